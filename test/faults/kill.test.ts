import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import {
  alive,
  isReady,
  linesMatching,
  missingFromLedger,
  postAction,
  postmasterPid,
  startLoad,
  waitFor,
} from "../support/faults.js";
import { freePort, killGroup, runCli, type ServerProcess, startServer } from "../support/process.js";

// The embedded PostgreSQL is killed (SIGKILL to its postmaster, not to the node) in the middle
// of a load. The node must start it again and be ready by itself within 15 s, and every action
// it acknowledged must be in the ledger.

const dataDir = mkdtempSync(path.join(os.tmpdir(), "inkwell-fault-kill-"));
let server: ServerProcess | undefined;
after(async () => {
  if (server) {
    killGroup(server.child, "SIGKILL");
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test("a killed embedded PostgreSQL is restarted and the node is ready again by itself", {
  timeout: 120_000,
}, async (t) => {
  const pgPort = await freePort();
  const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), ACTION_RATE_LIMIT: "0" };
  server = await startServer(env);
  const { url } = server;
  const load = startLoad(url, 32);
  await waitFor("acknowledged actions before the kill", async () => load.acknowledged.size >= 300, 20_000);

  const postmaster = postmasterPid(dataDir);
  process.kill(postmaster, "SIGKILL");
  const killedAt = performance.now();
  await waitFor("the killed postmaster is gone", async () => !alive(postmaster), 5000);
  await waitFor("the node is not ready", async () => !(await isReady(url)), 5000);
  const readyAfterMs = await waitFor("the node is ready again", () => isReady(url), 15_000);
  t.diagnostic(`ready again ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
  // Still under load after the restart: actions are taken again.
  const before = load.acknowledged.size;
  await waitFor(
    "actions acknowledged after the restart",
    async () => load.acknowledged.size > before + 100,
    10_000,
  );
  await load.stop();
  t.diagnostic(
    `${load.acknowledged.size} acknowledged, ${load.failed} refused; slowest ${load.slowestMs.toFixed(0)} ms`,
  );
  assert.ok(readyAfterMs < 15_000);
  assert.notEqual(postmasterPid(dataDir), postmaster, "a new postmaster runs");
  assert.equal((await postAction(url)).status, 201);

  assert.equal(
    await missingFromLedger(dataDir, pgPort, load.acknowledged),
    0,
    "no acknowledged action is lost",
  );
  const counter = (await (await fetch(`${url}/api/v1/campaigns/w4r-2012/counter`)).json()) as {
    total: number;
  };
  assert.ok(counter.total > 0);
  const verified = await runCli(["verify"], env);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, / 0 differences/);

  const output = server.output();
  const events = linesMatching(output, /PostgreSQL|database|counter/).join("\n");
  assert.equal(
    linesMatching(output, /embedded PostgreSQL exited \(signal SIGKILL\); restarting in/).length,
    1,
    events,
  );
  assert.equal(linesMatching(output, /embedded PostgreSQL is running again/).length, 1, events);
  // One line per change of state, however many requests failed meanwhile.
  assert.equal(linesMatching(output, /database unreachable/).length, 1, events);
  assert.equal(linesMatching(output, /database reachable again after/).length, 1, events);
});

test("a smart shutdown of the embedded PostgreSQL is not held open by the node, which restarts it", {
  timeout: 60_000,
}, async (t) => {
  assert.ok(server, "the node of the previous test runs");
  const { url } = server;
  const load = startLoad(url, 4, 50);
  await waitFor("actions before the shutdown", async () => load.acknowledged.size >= 20, 10_000);
  const postmaster = postmasterPid(dataDir);
  // SIGTERM is PostgreSQL's smart shutdown: it waits until every client has disconnected.
  process.kill(postmaster, "SIGTERM");
  const started = performance.now();
  const goneAfterMs = await waitFor(
    "the postmaster finished its shutdown",
    async () => !alive(postmaster),
    20_000,
  );
  const readyAfterMs = await waitFor("ready again", () => isReady(url), 15_000);
  await load.stop();
  t.diagnostic(
    `postmaster gone after ${goneAfterMs.toFixed(0)} ms, node ready ${(performance.now() - started).toFixed(0)} ms after the SIGTERM`,
  );
  assert.ok(readyAfterMs < 15_000);
  assert.match(server.output(), /database unreachable: the database server is shutting down/);
  assert.match(server.output(), /embedded PostgreSQL exited \(code 0\); restarting in/);
  assert.equal((await postAction(url)).status, 201);
});
