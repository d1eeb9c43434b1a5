import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { actAs, countsOf, type Person, traces } from "./fixtures.js";
import { findHoldings } from "./holdings.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t.close());

const marta: Person = {
  name: "Marta Quillfeather",
  email: "Marta.Quillfeather@Gmail.com",
  alias: "martaquillfeather+events@gmail.com",
  country: "ES",
};

test("an admin sees everything held about a supporter, downloads it as JSON, and erases it: counts stay, no trace stays", async () => {
  await actAs(t, marta);
  const admin = await officeClient(t, await makeUser(t, "admin"));

  const page = await admin.post("/office/privacy", { email: "marta.quillfeather+other@googlemail.com" });
  assert.equal(page.statusCode, 200);
  for (const text of [
    "Marta Quillfeather",
    "petition:gao-zhisheng",
    "2026-11-1",
    "Courage from Marta",
    "See you there",
  ])
    assert.ok(page.body.includes(text), `the look-up shows ${text}`);
  assert.match(page.body, /Supporter records?: 1/);
  // The signature's and the RSVP's.
  assert.match(page.body, /Consents: 2/);
  assert.match(page.body, /RSVPs: 1/);
  // The RSVP's confirmation link, and the organizer's mail.
  assert.match(page.body, /Mails sent: 2/);

  const download = await admin.post("/office/privacy/download", { email: marta.email });
  assert.equal(download.statusCode, 200);
  assert.match(String(download.headers["content-disposition"]), /attachment/);
  const data = JSON.parse(download.body);
  assert.equal(data.supporters.length, 1);
  assert.equal(data.supporters[0].name, marta.name);
  assert.deepEqual(
    data.actions.map((a: { type: string }) => a.type).sort(),
    ["petition", "solidarity"],
    "the signature and the message sent with the address",
  );
  assert.equal(data.consents[0].noticeVersion, "2026-11-1");
  assert.equal(data.messages[0].body, "Courage from Marta Quillfeather");
  assert.equal(data.rsvps[0].name, marta.name);
  assert.ok(
    data.mails.some((m: { subject: string }) => m.subject === "See you there"),
    "the mail sent to the person",
  );

  const seen = await traces(t.db, ["quillfeather", "Marta Q"], marta.email);
  for (const where of [
    "supporters.email_sealed",
    "supporters.name_sealed",
    "supporters.email_key",
    "consents.email_sealed",
    "event_rsvps.name_sealed",
    "outbox.recipient_sealed",
    "signatures.person_key",
  ])
    assert.ok(
      seen.some((s) => s.startsWith(`${where}:`)),
      `the scan finds the person in ${where} before the erasure`,
    );

  const before = await countsOf(t);
  const unticked = await admin.post("/office/privacy/erase", { email: marta.email });
  assert.equal(unticked.statusCode, 422, "the erasure asks for the confirmation");
  const erased = await admin.post("/office/privacy/erase", { email: marta.email, confirm: "yes" });
  assert.equal(erased.statusCode, 303);
  assert.match(String(erased.headers.location), /^\/office\/privacy\?erased=\d+$/);

  const after = await countsOf(t);
  assert.deepEqual(after, before, "the ledger and the live counters keep every action");
  const verify = await verifyCounters(t.db.bulk);
  assert.equal(verify.differences.length, 0);
  assert.equal(verify.orphans, 0);

  const left = await findHoldings(t.db.pool, t.db.privacy, marta.email);
  assert.deepEqual(
    [
      left.supporters,
      left.actions,
      left.signatures,
      left.consents,
      left.messages,
      left.rsvps,
      left.mails,
    ].map((x) => x.length),
    [0, 0, 0, 0, 0, 0, 0],
  );
  const trace = await traces(t.db, ["quillfeather", "Marta Q"], marta.email);
  assert.deepEqual(trace, [], "no table holds the email or the name");

  const audit = await t.db.pool.query(
    "SELECT actor, after FROM audit_log WHERE entity = 'supporter' AND action = 'erase' ORDER BY id DESC LIMIT 1",
  );
  const row = audit.rows[0];
  assert.ok(row, "the erasure is audited");
  assert.equal(row.after.via, "office");
  assert.equal(row.after.supporters, 1);
  assert.equal(row.after.messages, 1);
  assert.ok(
    !JSON.stringify(row).toLowerCase().includes("quillfeather"),
    "the audit row does not name the person",
  );
});

test("a coordinator sees a supporter only in their countries, and erases only one wholly in them", async () => {
  const local: Person = {
    name: "Lucía Vendaval",
    email: "lucia.vendaval@example.org",
    alias: "Lucia.Vendaval@example.org",
    country: "ES",
  };
  await actAs(t, local);
  const spain = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const france = await officeClient(t, await makeUser(t, "coordinator", { countries: ["FR"] }));
  const organizer = await officeClient(t, await makeUser(t, "organizer", { countries: ["ES"] }));

  const own = await spain.post("/office/privacy", { email: local.email });
  assert.ok(own.body.includes("Lucía Vendaval"));
  assert.ok(
    own.body.includes('action="/office/privacy/erase"'),
    "wholly in Spain: the coordinator may erase",
  );
  const other = await france.post("/office/privacy", { email: local.email });
  assert.ok(!other.body.includes("Vendaval"), "another country's coordinator sees nothing");
  assert.ok(other.body.includes("Nothing is held"));
  assert.equal((await france.post("/office/privacy/download", { email: local.email })).statusCode, 404);
  assert.equal(
    (await france.post("/office/privacy/erase", { email: local.email, confirm: "yes" })).statusCode,
    404,
  );
  assert.equal((await organizer.post("/office/privacy", { email: local.email })).statusCode, 403);

  // The same person acts from France too: Spain sees only its part and may not erase.
  await actAs(t, { ...local, country: "FR" }, "ales-bialiatski");
  const partial = await spain.post("/office/privacy", { email: local.email });
  assert.ok(partial.body.includes("outside your sections"));
  assert.ok(!partial.body.includes('action="/office/privacy/erase"'));
  assert.ok(!partial.body.includes("See you there"), "mails are not shown in part");
  const download = JSON.parse((await spain.post("/office/privacy/download", { email: local.email })).body);
  assert.ok(download.actions.length > 0);
  assert.ok(download.actions.every((a: { country: string }) => a.country === "ES"));
  assert.equal(download.mails.length, 0);
  assert.equal(
    (await spain.post("/office/privacy/erase", { email: local.email, confirm: "yes" })).statusCode,
    403,
  );
  assert.equal(
    (await findHoldings(t.db.pool, t.db.privacy, local.email)).supporters.length,
    1,
    "nothing was erased",
  );

  const done = await spain.post("/office/privacy", { email: local.email });
  assert.equal(done.statusCode, 200);
});
