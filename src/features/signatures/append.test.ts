import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { appendEntries } from "../../core/ledger/append.js";
import { newActionId } from "../../core/ledger/ids.js";
import type { LedgerEntry, SignatureStep } from "../../core/ledger/types.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { personKey } from "../../platform/person-key.js";

// The ledger's append statement with signature steps, straight: what one statement decides
// when a batch holds a person's signature twice, and when a signature's idempotency key is
// taken by another action while the statement runs.

let t: TestApp;
let campaignId: number;
let caseId: number;
before(async () => {
  t = await startTestApp();
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  campaignId = campaign?.id ?? 0;
  caseId = campaign?.cases.get("gao-zhisheng") ?? 0;
});
after(async () => {
  await t.close();
});

const entry = (type: LedgerEntry["type"], key: string | null = `k-${randomUUID()}`): LedgerEntry => ({
  id: newActionId(),
  campaignId,
  caseId,
  type,
  quantity: 1,
  country: "PT",
  channel: "web",
  sectionId: null,
  supporterId: null,
  reporter: null,
  reason: null,
  occurredAt: new Date(),
  idempotencyKey: key,
});

const pk = (email: string) => personKey(t.db.privacy, email);

const sign = (personKey: string): SignatureStep => ({
  op: "sign",
  id: randomUUID(),
  personKey,
  language: "pt",
});

test("one statement with a person's signature twice and a letter: one signature, one supporter, both actions' rows right", async () => {
  const [first, second, letter] = [entry("petition"), entry("petition"), entry("letter")];
  const result = await appendEntries(
    t.db.pool,
    "append-test",
    [first, second, letter],
    [
      {
        id: first.id,
        emailKey: t.db.privacy.emailKey("same@example.org"),
        email: t.db.privacy.seal("same@example.org", "email"),
        name: t.db.privacy.seal("Same", "name"),
      },
    ],
    [t.db.privacy.emailKey("same@example.org"), t.db.privacy.emailKey("same@example.org"), null],
    [sign(pk("same@example.org")), sign(pk("same@example.org")), null],
  );
  assert.equal(result.inserted.size, 2);
  assert.ok(result.inserted.has(first.id) !== result.inserted.has(second.id), "one of the two signatures");
  assert.ok(result.inserted.has(letter.id));
  assert.deepEqual(result.delta.map((row) => [row[3], row[5]]).sort(), [
    ["letter", 1],
    ["petition", 1],
  ]);
  const rows = await t.db.pool.query("SELECT status, action_id FROM signatures WHERE person_key = $1", [
    pk("same@example.org"),
  ]);
  assert.equal(rows.rowCount, 1);
  assert.ok(result.inserted.has(rows.rows[0].action_id));
});

test("a signature whose key another action takes meanwhile is not left counted without its entry", async () => {
  const key = `taken-${randomUUID()}`;
  const holder = await t.db.pool.connect();
  try {
    // Another writer holds the key, not yet committed: the statement waits on it at the ledger's
    // unique index, after it already inserted the signature's row.
    await holder.query("BEGIN");
    await appendEntries(holder, "other-node", [entry("letter", key)]);
    const racing = appendEntries(
      t.db.pool,
      "append-test",
      [entry("petition", key)],
      [],
      [null],
      [sign(pk("raced@example.org"))],
    );
    await new Promise((r) => setTimeout(r, 300));
    await holder.query("COMMIT");
    const result = await racing;
    assert.equal(result.inserted.size, 0, "the key was taken: no action");
  } finally {
    holder.release();
  }
  const rows = await t.db.pool.query("SELECT 1 FROM signatures WHERE person_key = $1", [
    pk("raced@example.org"),
  ]);
  assert.equal(rows.rowCount, 0, "and no signature: the person may sign");
  const verified = await verifyCounters(t.db.pool);
  assert.deepEqual(verified.differences, []);
});

test("a confirmation or withdrawal step on a signature in another state inserts nothing", async () => {
  const signatureId = randomUUID();
  const counted = entry("petition");
  await appendEntries(
    t.db.pool,
    "append-test",
    [counted],
    [],
    [null],
    [{ op: "sign", id: signatureId, personKey: pk("steps@example.org"), language: "en" }],
  );
  const confirm = await appendEntries(
    t.db.pool,
    "append-test",
    [entry("petition")],
    [],
    [null],
    [{ op: "confirm", id: signatureId }],
  );
  assert.equal(confirm.inserted.size, 0, "counted already: a confirmation counts nothing");
  const withdraw = { ...entry("petition"), quantity: -1, reason: "test" };
  const first = await appendEntries(
    t.db.pool,
    "append-test",
    [withdraw],
    [],
    [null],
    [{ op: "withdraw", id: signatureId }],
  );
  assert.equal(first.inserted.size, 1);
  const again = await appendEntries(
    t.db.pool,
    "append-test",
    [{ ...withdraw, id: newActionId(), idempotencyKey: null }],
    [],
    [null],
    [{ op: "withdraw", id: signatureId }],
  );
  assert.equal(again.inserted.size, 0, "withdrawn already: nothing more comes out");
  const row = await t.db.pool.query("SELECT status, person_key FROM signatures WHERE id = $1", [signatureId]);
  assert.deepEqual(row.rows[0], { status: "withdrawn", person_key: null });
});
