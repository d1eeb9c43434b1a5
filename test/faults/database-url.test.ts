import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { type EmbeddedServer, openEmbedded } from "../../src/platform/db/embedded.js";
import { isReady, linesMatching, missingAt, postAction, startLoad, waitFor } from "../support/faults.js";
import { freePort, killGroup, type ServerProcess, startServer } from "../support/process.js";

// A node on DATABASE_URL does not own its database: when that server stops and comes back
// (here a PostgreSQL this test runs, stopped and started again on the same port), the node
// waits, reconnects and is ready again by itself.

const dataDir = mkdtempSync(path.join(os.tmpdir(), "inkwell-fault-url-"));
// As root, the server runs as "postgres", which must pass through to its data below this.
chmodSync(dataDir, 0o711);
let database: EmbeddedServer | undefined;
let node: ServerProcess | undefined;
after(async () => {
  if (node) {
    killGroup(node.child, "SIGKILL");
    await node.exited;
  }
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a node on DATABASE_URL reconnects by itself when its server restarts", {
  timeout: 120_000,
}, async (t) => {
  const port = await freePort();
  const open = () => openEmbedded({ dataDir: path.join(dataDir, "server"), port, joinRunning: false });
  database = await open();
  node = await startServer({
    DATABASE_URL: database.url,
    DATA_DIR: path.join(dataDir, "node"),
    ACTION_RATE_LIMIT: "0",
  });
  const { url } = node;
  const load = startLoad(url, 8, 50);
  await waitFor("acknowledged actions before the stop", async () => load.acknowledged.size >= 100, 20_000);

  await database.stop();
  database = undefined;
  await waitFor("the node is not ready while its server is down", async () => !(await isReady(url)), 5000);
  const refused = await postAction(url);
  assert.equal(refused.status, 503, "actions are refused while the server is down");
  assert.ok(refused.ms < 2000, `refusing took ${refused.ms.toFixed(0)} ms`);
  await new Promise((r) => setTimeout(r, 3000));

  database = await open();
  const startedAt = performance.now();
  const readyAfterMs = await waitFor("the node is ready again", () => isReady(url), 15_000);
  t.diagnostic(`ready ${readyAfterMs.toFixed(0)} ms after the server was back`);
  const before = load.acknowledged.size;
  await waitFor("actions acknowledged again", async () => load.acknowledged.size > before + 50, 10_000);
  await load.stop();
  t.diagnostic(`${load.acknowledged.size} acknowledged, ${load.failed} refused`);
  assert.ok(performance.now() - startedAt < 25_000);
  assert.equal((await postAction(url)).status, 201);
  assert.equal(await missingAt({ connectionString: database.url }, load.acknowledged), 0);

  const output = node.output();
  const events = linesMatching(output, /database|counter/).join("\n");
  assert.equal(linesMatching(output, /database unreachable/).length, 1, events);
  assert.equal(linesMatching(output, /database reachable again after/).length, 1, events);
});
