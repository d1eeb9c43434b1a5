import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { freePort, killGroup, runCli, startServer } from "./support/process.js";

// Kills the server and its PostgreSQL with SIGKILL in the middle of a load, as a power cut
// would, then restarts: every acknowledged action must be in the ledger and counted.

const dataDir = mkdtempSync(path.join(os.tmpdir(), "inkwell-crash-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test("every acknowledged action survives a SIGKILL during load", { timeout: 120_000 }, async () => {
  const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), ACTION_RATE_LIMIT: "0" };
  const server = await startServer(env);
  const acknowledged = new Map<string, string>();
  let failed = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const key = randomUUID();
      try {
        const response = await fetch(`${server.url}/api/v1/actions`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify({
            campaign: "w4r-2012",
            case: "coastei-street",
            type: "petition",
            country: "RO",
          }),
        });
        if (response.status === 201) acknowledged.set(key, (await response.json()).id);
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  const workers = Array.from({ length: 32 }, worker);
  // The kill comes once 1,500 actions are acknowledged, or after 30 s on a machine too busy for
  // that: this is no speed test, only enough acknowledged (and more in flight) must be at stake.
  const deadline = Date.now() + 30_000;
  while (acknowledged.size < 1500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  killGroup(server.child, "SIGKILL");
  await server.exited;
  stop = true;
  await Promise.all(workers);
  assert.ok(
    acknowledged.size >= 100,
    `only ${acknowledged.size} acknowledged (${failed} not) before the kill`,
  );

  const restarted = await startServer(env);
  try {
    const credentials = JSON.parse(readFileSync(path.join(dataDir, "credentials.json"), "utf8"));
    const client = new pg.Client({
      host: "127.0.0.1",
      port: Number(env.EMBEDDED_PG_PORT),
      user: credentials.user,
      password: credentials.password,
      database: "inkwell",
    });
    await client.connect();
    try {
      const found = await client.query(
        "SELECT idempotency_key, id FROM actions WHERE idempotency_key = ANY($1)",
        [[...acknowledged.keys()]],
      );
      const stored = new Map(found.rows.map((r) => [r.idempotency_key, r.id]));
      const lost = [...acknowledged].filter(([key, id]) => stored.get(key) !== id);
      assert.equal(lost.length, 0, `${lost.length} of ${acknowledged.size} acknowledged actions were lost`);
      const ledger = await client.query(
        "SELECT sum(quantity)::int AS n FROM actions a JOIN campaigns c ON c.id = a.campaign_id WHERE c.slug = 'w4r-2012'",
      );
      const counter = await (await fetch(`${restarted.url}/api/v1/campaigns/w4r-2012/counter`)).json();
      assert.equal(counter.total, ledger.rows[0].n, "the restarted counter equals the ledger");
    } finally {
      await client.end();
    }
    const verified = await runCli(["verify"], env);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, / 0 differences/);
  } finally {
    killGroup(restarted.child, "SIGTERM");
    await restarted.exited;
  }
});
