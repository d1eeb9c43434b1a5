import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type pg from "pg";
import { keyId } from "../../platform/privacy/keys.js";
import { Privacy } from "../../platform/privacy/privacy.js";
import { Batcher, LedgerUnavailableError } from "./batcher.js";
import type { LedgerEntry } from "./types.js";

const KEY = Buffer.alloc(32, 7);

// The batcher against a database that never answers (a frozen server): every request is
// answered within the bound, and nothing waits behind the stuck batch.

function entry(): LedgerEntry {
  return {
    id: randomUUID(),
    campaignId: 1,
    caseId: 1,
    type: "petition",
    quantity: 1,
    country: "FR",
    channel: "web",
    sectionId: null,
    supporterId: null,
    reporter: null,
    reason: null,
    occurredAt: new Date(),
    idempotencyKey: randomUUID(),
  };
}

function silentPool(): { pool: pg.Pool; answer(): void; queries: number } {
  const state = { queries: 0, release: [] as (() => void)[] };
  const pool = {
    query: () => {
      state.queries++;
      return new Promise((_resolve, reject) => {
        state.release.push(() => reject(Object.assign(new Error("Connection terminated"), {})));
      });
    },
  } as unknown as pg.Pool;
  return {
    pool,
    answer: () => {
      for (const release of state.release.splice(0)) release();
    },
    get queries() {
      return state.queries;
    },
  };
}

test("a batch the database does not answer is refused within its bound, with what queued behind it", async () => {
  const db = silentPool();
  const writes: unknown[] = [];
  const batcher = new Batcher({
    pool: db.pool,
    privacy: new Privacy({ current: { id: keyId(KEY), bytes: KEY }, previous: [] }, KEY),
    origin: "node-test",
    maxBatch: 100,
    timeoutMs: 300,
    onWrite: (error) => writes.push(error),
    onCommitted: () => assert.fail("nothing commits"),
  });
  const started = performance.now();
  const first = batcher.submit(entry());
  // Queued behind the stuck batch: refused with it, not after a batch of its own.
  await new Promise((r) => setTimeout(r, 50));
  const queued = batcher.submit(entry());
  const results = await Promise.allSettled([first, queued]);
  const elapsed = performance.now() - started;
  for (const result of results) {
    assert.equal(result.status, "rejected");
    assert.ok((result as PromiseRejectedResult).reason instanceof LedgerUnavailableError);
  }
  assert.ok(elapsed < 1000, `answered after ${elapsed.toFixed(0)} ms`);
  assert.equal(db.queries, 1, "one statement was sent, for the first batch only");
  assert.equal(writes.length, 1);
  assert.ok(writes[0] instanceof LedgerUnavailableError);

  // While the stuck statement is still out, new actions are refused at once.
  const refusedAt = performance.now();
  await assert.rejects(batcher.submit(entry()), LedgerUnavailableError);
  assert.ok(performance.now() - refusedAt < 50);

  // Once it settles, the batcher writes again (here: the next statement hangs as well).
  db.answer();
  await new Promise((r) => setTimeout(r, 20));
  const again = batcher.submit(entry());
  await assert.rejects(again, LedgerUnavailableError);
  assert.equal(db.queries, 2);
  db.answer();
  await batcher.close();
});
