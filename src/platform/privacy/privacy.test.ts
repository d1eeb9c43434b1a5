import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { TEST_DATA_KEY } from "../../../test/support/db.js";
import { makeEvent } from "../../../test/support/events.js";
import { makeUser } from "../../../test/support/office.js";
import { runCli } from "../../../test/support/process.js";
import { type DataKey, generateDataKey, parseDataKey } from "./keys.js";
import { encryptClearText, resealAll, sealedUnderOlderKeys } from "./passes.js";
import { openPrivacy, type Privacy, PrivacyKeyError } from "./privacy.js";

let t: TestApp;
let privacy: Privacy;
before(async () => {
  t = await startTestApp();
  // The node's own pass at start must not race the rows these tests store in clear.
  await t.runtime.sealed;
  privacy = t.db.privacy;
});
after(() => t.close());

const key = (text: string): DataKey => parseDataKey(text) as DataKey;

test("a sealed value opens to its text, and only as what it was sealed as", () => {
  const sealed = privacy.seal("Zoë Ngata", "name");
  assert.equal(privacy.open(sealed, "name"), "Zoë Ngata");
  assert.ok(!sealed.includes(Buffer.from("Zoë")), "no clear text inside");
  assert.notDeepEqual(privacy.seal("Zoë Ngata", "name"), sealed, "a fresh nonce each time");
  assert.throws(() => privacy.open(sealed, "email"), "a name does not open as an email");
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
  assert.throws(() => privacy.open(tampered, "name"), "a changed byte is refused");
  assert.equal(privacy.keyOf(sealed), key(TEST_DATA_KEY).id);
});

test("one person's addresses share one keyed hash; other people's and other databases' differ", async () => {
  const ana = privacy.emailKey("ana.maria@gmail.com");
  assert.deepEqual(privacy.emailKey(" AnaMaria+w4r@googlemail.com "), ana);
  assert.notDeepEqual(privacy.emailKey("ana.maria@example.org"), privacy.emailKey("anamaria@example.org"));
  assert.equal(ana.length, 32);
  const other = await startTestApp();
  try {
    assert.notDeepEqual(
      other.db.privacy.emailKey("ana.maria@gmail.com"),
      ana,
      "each database has its look-up key",
    );
  } finally {
    await other.close();
  }
});

/** Rows as the platform stored them before encryption, in every personal table. */
async function clearRows(): Promise<{ eventId: string; kept: string; merged: string; action: string }> {
  const pool = t.db.pool;
  // The pass keeps the first row by id of one person's rows: the kept one sorts first.
  const [kept, merged] = [randomUUID(), randomUUID()].sort() as [string, string];
  const action = randomUUID();
  await pool.query("INSERT INTO supporters (id, email, name) VALUES ($1, 'old.one@gmail.com', 'Old One')", [
    kept,
  ]);
  await pool.query("INSERT INTO supporters (id, email, name) VALUES ($1, 'oldone+x@gmail.com', NULL)", [
    merged,
  ]);
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  await pool.query(
    `INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, supporter_id, occurred_at)
     VALUES ($1, $2, $3, 'petition', 1, 'FR', 'web', $4, now())`,
    [action, campaign?.id, campaign?.cases.get("gao-zhisheng"), merged],
  );
  const eventId = await makeEvent(t, { organizerId: (await makeUser(t, "organizer")).id });
  await pool.query(
    "INSERT INTO event_rsvps (id, event_id, name, email, confirmed_at) VALUES ($1, $2, 'Guest', 'guest@example.org', now()), ($3, $2, 'Guest Again', 'guest+2@example.org', now())",
    [randomUUID(), eventId, randomUUID()],
  );
  await pool.query(
    `INSERT INTO consents (id, campaign_id, idempotency_key, email, purpose, notice_version)
     VALUES ($1, $2, 'old-consent', 'old.one@gmail.com', 'petition:gao-zhisheng', '2025-1')`,
    [randomUUID(), campaign?.id],
  );
  await pool.query(
    `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author, country, language, body)
     VALUES ($1, $2, $3, 'old-message', 'Old Author', 'FR', 'fr', 'Courage')`,
    [randomUUID(), campaign?.id, campaign?.cases.get("gao-zhisheng")],
  );
  await pool.query(
    "INSERT INTO outbox (recipient, subject, body) VALUES ('old.one@gmail.com', 'Old subject', 'Old body')",
  );
  return { eventId, kept, merged, action };
}

const CLEAR = [
  "SELECT count(*)::int AS n FROM supporters WHERE email IS NOT NULL OR name IS NOT NULL",
  "SELECT count(*)::int AS n FROM event_rsvps WHERE email IS NOT NULL OR name IS NOT NULL",
  "SELECT count(*)::int AS n FROM consents WHERE email IS NOT NULL",
  "SELECT count(*)::int AS n FROM solidarity_messages WHERE author IS NOT NULL",
  "SELECT count(*)::int AS n FROM outbox WHERE recipient IS NOT NULL OR subject IS NOT NULL OR body IS NOT NULL",
];

test("the encryption pass seals what was stored in clear, merges one person's rows, and leaves no clear text", async () => {
  const rows = await clearRows();
  const done = await encryptClearText(t.db.pool, privacy, { batchSize: 1 });
  assert.ok((done.supporters ?? 0) >= 2 && (done.outbox ?? 0) >= 1, JSON.stringify(done));
  for (const sql of CLEAR) assert.equal((await t.db.pool.query(sql)).rows[0].n, 0, sql);
  const person = await t.db.pool.query(
    "SELECT id, email_sealed, name_sealed FROM supporters WHERE email_key = $1",
    [privacy.emailKey("oldone@gmail.com")],
  );
  assert.equal(person.rowCount, 1, "two spellings of one person are one supporter");
  assert.equal(person.rows[0].id, rows.kept);
  assert.equal(privacy.open(person.rows[0].name_sealed, "name"), "Old One");
  const action = await t.db.pool.query("SELECT supporter_id FROM actions WHERE id = $1", [rows.action]);
  assert.equal(action.rows[0].supporter_id, rows.kept, "the merged supporter's action follows");
  const rsvps = await t.db.pool.query(
    "SELECT name_sealed FROM event_rsvps WHERE event_id = $1 AND email_key = $2",
    [rows.eventId, privacy.emailKey("guest@example.org")],
  );
  assert.deepEqual(
    rsvps.rows.map((r) => privacy.open(r.name_sealed, "name")),
    ["Guest"],
  );
  // The readers open what the pass sealed.
  const outbox = await t.db.pool.query("SELECT body_sealed FROM outbox WHERE recipient_key = $1", [
    privacy.emailKey("old.one@gmail.com"),
  ]);
  assert.equal(privacy.open(outbox.rows[0].body_sealed, "mail"), "Old body");
  const again = await encryptClearText(t.db.pool, privacy);
  assert.ok(
    Object.values(again).every((n) => n === 0),
    "a second pass finds nothing",
  );
});

test("key rotation re-seals in batches, resumes, keeps every hash, and the old key is no longer needed", async () => {
  const posted = await t.app.inject({
    method: "POST",
    url: "/en/cases/gao-zhisheng/solidarity",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: "name=Rotating+Rita&country=ES&message=Hola&key=rotation-test-key-0001",
  });
  assert.equal(posted.statusCode, 303, posted.body.slice(0, 300));
  await t.runtime.mailer.send({ to: "rita@example.org", subject: "Hello Rita", text: "A mail to Rita" });
  const old = key(TEST_DATA_KEY);
  const fresh = key(generateDataKey());
  const before = await t.db.pool.query("SELECT count(*)::int AS n FROM supporters");
  assert.ok(before.rows[0].n > 0);
  const hash = privacy.emailKey("old.one@gmail.com");

  const rotating = await openPrivacy(t.db.pool, { current: fresh, previous: [old] });
  assert.deepEqual(rotating.emailKey("old.one@gmail.com"), hash, "the look-up key is the same");
  // One batch, then stop (as a crash would): some values are still under the old key.
  await resealAll(t.db.pool, rotating, { batchSize: 1, maxBatches: 1 });
  const left = await sealedUnderOlderKeys(t.db.pool, rotating);
  assert.ok(Object.values(left).reduce((a, b) => a + b, 0) > 0, JSON.stringify(left));

  // The rest through the command line, as an operator would run it.
  const rotated = await runCli(["rotate-key", "--batch", "2"], {
    DATABASE_URL: t.db.url,
    DATA_KEY: fresh.bytes.toString("base64"),
    DATA_KEY_PREVIOUS: TEST_DATA_KEY,
  });
  assert.equal(rotated.code, 0, rotated.stdout + rotated.stderr);
  assert.match(rotated.stdout, /DATA_KEY_PREVIOUS can be removed/);

  // Only the new key now: everything opens, every hash still finds its rows.
  const only = await openPrivacy(t.db.pool, { current: fresh, previous: [] });
  assert.deepEqual(only.emailKey("old.one@gmail.com"), hash);
  const values = await t.db.pool.query<{ kind: "email" | "name" | "mail"; v: Buffer }>(
    `SELECT 'email' AS kind, email_sealed AS v FROM supporters WHERE email_sealed IS NOT NULL
     UNION ALL SELECT 'name', name_sealed FROM supporters WHERE name_sealed IS NOT NULL
     UNION ALL SELECT 'email', email_sealed FROM event_rsvps UNION ALL SELECT 'name', name_sealed FROM event_rsvps
     UNION ALL SELECT 'email', email_sealed FROM consents
     UNION ALL SELECT 'name', author_sealed FROM solidarity_messages WHERE author_sealed IS NOT NULL
     UNION ALL SELECT 'mail', body_sealed FROM outbox UNION ALL SELECT 'email', recipient_sealed FROM outbox`,
  );
  assert.ok(values.rows.length >= 10);
  const texts = values.rows.map((r) => only.open(r.v, r.kind));
  assert.ok(texts.includes("Rotating Rita") && texts.includes("A mail to Rita") && texts.includes("Old One"));
  const rita = await t.db.pool.query("SELECT count(*)::int AS n FROM outbox WHERE recipient_key = $1", [
    only.emailKey("rita@example.org"),
  ]);
  assert.equal(rita.rows[0].n, 1);
  // The old key alone opens nothing any more, not even the database.
  await assert.rejects(openPrivacy(t.db.pool, { current: old, previous: [] }), PrivacyKeyError);
  assert.throws(
    () => privacy.open(values.rows[0]?.v as Buffer, values.rows[0]?.kind ?? "email"),
    PrivacyKeyError,
  );
});
