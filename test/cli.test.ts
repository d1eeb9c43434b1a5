import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { seedDemo } from "../src/demo/seed.js";
import { startTestApp } from "./support/app.js";
import { createTestDatabase, openTestDatabase } from "./support/db.js";
import { officeClient } from "./support/office.js";
import { freePort, killGroup, runCli, startServer } from "./support/process.js";
import { StreamReader } from "./support/sse.js";

let url: string;
const dirs: string[] = [];
before(async () => {
  url = await createTestDatabase();
  const db = await openTestDatabase(url);
  await seedDemo(db.pool);
  await db.close();
});
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inkwell-cli-"));
  dirs.push(dir);
  return dir;
}

test("verify finds no difference on a clean ledger, and reports a tampered rollup", async () => {
  const clean = await runCli(["verify"], { DATABASE_URL: url });
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /w4r-2011: ledger 1300000, rollups 1300000/);
  assert.match(clean.stdout, / 0 differences/);

  const db = await openTestDatabase(url);
  try {
    await db.pool.query(
      "UPDATE rollups SET count = count + 3 WHERE ctid = (SELECT ctid FROM rollups WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'w4r-2012') LIMIT 1)",
    );
    const tampered = await runCli(["verify"], { DATABASE_URL: url });
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /DIFFERENCE w4r-2012 [A-Z]{2} [a-z-]+ [a-z]+ \S+: ledger \d+, rollup \d+/);
    assert.match(tampered.stdout, / 1 differences/);
  } finally {
    await db.pool.query(
      `UPDATE rollups r SET count = l.n FROM (
         SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC') AS hour, sum(quantity) AS n
           FROM actions GROUP BY 1, 2, 3, 4, 5) l
       WHERE (r.campaign_id, r.country, r.case_id, r.type, r.hour) = (l.campaign_id, l.country, l.case_id, l.type, l.hour)`,
    );
    await db.close();
  }
});

test("verify reports ledger rows whose campaign or case does not exist", async () => {
  const db = await openTestDatabase(url);
  try {
    await db.pool.query(
      `INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, occurred_at)
       VALUES ('00000000-0000-7000-8000-000000000001', 999, 1, 'letter', 1, 'FR', 'web', now())`,
    );
    const result = await runCli(["verify"], { DATABASE_URL: url });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /1 ledger rows name a campaign or case that does not exist/);
  } finally {
    await db.pool.query("DELETE FROM actions WHERE id = '00000000-0000-7000-8000-000000000001'");
    await db.close();
  }
});

test("seed never touches a database that has data", async () => {
  const result = await runCli(["seed"], { DATABASE_URL: url });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Nothing seeded: the database already has data/);
});

test("a bad configuration lists every problem and exits non-zero", async () => {
  const result = await runCli(["verify"], { PORT: "x", DATABASE_URL: "mysql://nope", LOG_LEVEL: "loud" });
  assert.equal(result.code, 1);
  for (const name of ["PORT", "DATABASE_URL", "LOG_LEVEL"])
    assert.match(result.stderr, new RegExp(`- ${name}:`));
});

test("the embedded database: started once, reused, joined by commands, stopped cleanly", {
  timeout: 90_000,
}, async () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
  const first = await startServer(env);
  let total: number;
  try {
    total = (await (await fetch(`${first.url}/api/v1/campaigns/w4r-2012/counter`)).json()).total;
    const second = await runCli(["start"], { ...env, PORT: String(await freePort()) });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /Another Inkwell process \(pid \d+\) is already running/);
    const joined = await runCli(["verify"], env);
    assert.equal(joined.code, 0, joined.stderr);
    assert.match(joined.stdout, / 0 differences/);
  } finally {
    try {
      // A live viewer must not keep the server from stopping.
      const viewer = new StreamReader(`${first.url}/api/v1/campaigns/w4r-2012/counter/stream`);
      await viewer.next(() => true);
    } finally {
      // Even when the stream failed: a server left running would outlive the test run.
      killGroup(first.child, "SIGTERM");
    }
  }
  assert.equal(await first.exited, 0, first.output());

  const stopped = await runCli(["verify"], env);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, / 0 differences/);

  const again = await startServer(env);
  try {
    const counter = await (await fetch(`${again.url}/api/v1/campaigns/w4r-2012/counter`)).json();
    assert.equal(counter.total, total, "the second start reuses the data and does not seed again");
  } finally {
    killGroup(again.child, "SIGTERM");
    await again.exited;
  }
});

test("a taken database port or an unusable data directory is said clearly", { timeout: 60_000 }, async () => {
  const blocker = net.createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
  try {
    const taken = await runCli(["start"], { DATA_DIR: tempDir(), EMBEDDED_PG_PORT: String(port) });
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, new RegExp(`Port ${port} for the embedded PostgreSQL is already in use`));
  } finally {
    blocker.close();
  }
  const httpBlocker = net.createServer();
  const httpPort = await freePort();
  await new Promise<void>((resolve) => httpBlocker.listen(httpPort, "127.0.0.1", resolve));
  try {
    const busy = await runCli(["start"], {
      DATA_DIR: tempDir(),
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(httpPort),
    });
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`Cannot listen on 127.0.0.1:${httpPort} \\(EADDRINUSE\\)`));
  } finally {
    httpBlocker.close();
  }
  const file = path.join(tempDir(), "not-a-directory");
  writeFileSync(file, "");
  const unusable = await runCli(["start"], { DATA_DIR: file, EMBEDDED_PG_PORT: String(await freePort()) });
  assert.equal(unusable.code, 1);
  assert.match(unusable.stderr, /The data directory .* is not usable/);
});

test("user create makes the first admin and prints an invitation link that works", async () => {
  const bad = await runCli(["user", "create", "--email", "boss@example.org", "--role", "emperor"], {
    DATABASE_URL: url,
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unknown role "emperor"/);
  const made = await runCli(["user", "create", "--email", "Boss@Example.org", "--role", "admin"], {
    DATABASE_URL: url,
    PUBLIC_URL: "https://inkwell.example.org",
  });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Created admin boss@example.org/);
  const link = /https:\/\/inkwell\.example\.org(\/office\/invite\/[A-Za-z0-9_-]{43})/.exec(made.stdout);
  assert.ok(link?.[1], made.stdout);
  const again = await runCli(["user", "create", "--email", "boss@example.org", "--role", "admin"], {
    DATABASE_URL: url,
  });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already has an account/);

  const node = await startTestApp({}, url);
  try {
    const client = await officeClient(node);
    const form = await client.get(link[1]);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /boss@example.org/);
    const accepted = await client.post(link[1], { name: "The Boss", password: "a long enough password" });
    assert.equal(accepted.statusCode, 303);
    assert.equal((await client.get("/office/users")).statusCode, 200, "the new admin opens admin pages");
    const audit = await node.db.pool.query(
      "SELECT actor, action FROM audit_log WHERE entity = 'user' ORDER BY id",
    );
    assert.deepEqual(
      audit.rows.map((r) => `${r.actor} ${r.action}`),
      ["cli create", "boss@example.org accept_invitation"],
    );
  } finally {
    await node.close();
  }
});
