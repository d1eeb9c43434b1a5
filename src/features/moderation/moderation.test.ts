import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const campaign = () => {
  const c = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(c);
  return c;
};

let minutes = 0;
/** A message as the public form stores it, each a minute younger than the one before. */
async function message(o: {
  country: string;
  slug?: string;
  body?: string;
  language?: string;
  author?: string;
}) {
  const id = randomUUID();
  const caseId = campaign().cases.get(o.slug ?? "gao-zhisheng");
  minutes += 1;
  await t.db.pool.query(
    `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author, country, language, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() - interval '1 day' + $9 * interval '1 minute')`,
    [
      id,
      campaign().id,
      caseId,
      randomUUID(),
      o.author ?? "Ana",
      o.country,
      o.language ?? "es",
      o.body ?? `Message ${id}`,
      minutes,
    ],
  );
  return id;
}

async function states(ids: string[]) {
  const result = await t.db.pool.query(
    `SELECT id, status, moderated_at, moderated_by FROM solidarity_messages WHERE id = ANY($1::uuid[]) ORDER BY id`,
    [ids],
  );
  return result.rows;
}

const auditCount = async () =>
  (await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'solidarity_message'"))
    .rows[0].n as number;

test("a coordinator's queue holds only their countries' pending messages, oldest first, escaped, in their language", async () => {
  const first = await message({ country: "ES", body: "¡Ánimo, <b>Gao</b>!", author: "Lucía <i>" });
  const second = await message({ country: "ES", language: "ca", body: "Molts ànims" });
  const french = await message({ country: "FR", language: "fr", body: "Courage de France" });
  const client = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const page = await client.get("/office/moderation");
  assert.equal(page.statusCode, 200);
  const html = page.body;
  assert.ok(html.indexOf(first) > 0 && html.indexOf(first) < html.indexOf(second), "oldest first");
  assert.ok(!html.includes(french) && !html.includes("Courage de France"), "not another section's");
  assert.ok(html.includes('<td lang="es" dir="auto">¡Ánimo, &lt;b>Gao&lt;/b>!</td>'), "escaped, with lang");
  assert.ok(html.includes('<td lang="ca" dir="auto">Molts ànims</td>'));
  assert.ok(html.includes("Lucía &lt;i>"), "the author escaped");
  assert.ok(html.includes("Approve selected") && html.includes("Reject selected"));
  assert.ok(html.includes(`value="approve:${first}"`), "a button per message");

  const admin = await officeClient(t, await makeUser(t, "admin"));
  assert.ok((await admin.get("/office/moderation")).body.includes("Courage de France"), "an admin sees all");
});

test("bulk approve puts messages on the case's public wall at once; bulk reject keeps them off", async () => {
  const coordinator = await makeUser(t, "coordinator", { countries: ["PL"] });
  const client = await officeClient(t, coordinator);
  const a = await message({ country: "PL", slug: "rosa-franco", language: "pl", body: "Trzymaj się, Roso!" });
  const b = await message({ country: "PL", slug: "rosa-franco", language: "pl", body: "Jesteśmy z Tobą" });
  const c = await message({ country: "PL", slug: "rosa-franco", language: "pl", body: "Spam spam spam" });
  const wall = async () => (await t.app.inject({ method: "GET", url: "/en/cases/rosa-franco" })).body;
  assert.ok(!(await wall()).includes("Trzymaj się, Roso!"), "pending: not on the wall");

  const audits = await auditCount();
  const approved = await client.post("/office/moderation", { ids: [a, b], decision: "approve" });
  assert.equal(approved.statusCode, 303);
  assert.match(String(approved.headers.location), /done=approve&n=2/);
  const rows = await states([a, b]);
  for (const row of rows) {
    assert.equal(row.status, "approved");
    assert.equal(row.moderated_by, coordinator.id);
    assert.ok(row.moderated_at instanceof Date);
  }
  assert.equal(await auditCount(), audits + 2, "one audit entry per message");
  const entry = (
    await t.db.pool.query(
      "SELECT user_id, action, before, after FROM audit_log WHERE entity = 'solidarity_message' AND entity_id = $1",
      [a],
    )
  ).rows[0];
  assert.equal(entry.user_id, coordinator.id);
  assert.equal(entry.action, "approve");
  assert.equal(entry.before.status, "pending");
  assert.equal(entry.after.status, "approved");

  const html = await wall();
  assert.ok(html.includes('<blockquote lang="pl" dir="auto">Trzymaj się, Roso!</blockquote>'), "on the wall");
  assert.ok(html.includes("Jesteśmy z Tobą"));

  const rejected = await client.post("/office/moderation", { "ids[]": [c], decision: "reject" });
  assert.equal(rejected.statusCode, 303);
  assert.equal((await states([c]))[0].status, "rejected");
  assert.ok(!(await wall()).includes("Spam spam spam"), "rejected: never on the wall");

  const notice = await client.get(String(rejected.headers.location));
  assert.ok(notice.body.includes("Rejected 1 message."));
  const list = await client.get("/office/moderation?status=rejected&case=rosa-franco");
  assert.ok(
    list.body.includes("Spam spam spam") && !list.body.includes("Jesteśmy z Tobą"),
    "filtered by status",
  );
  assert.ok(
    (await client.get("/office/moderation?status=approved&case=rosa-franco")).body.includes("Jesteśmy"),
  );
  assert.ok(
    !(await client.get("/office/moderation?status=approved&case=gao-zhisheng")).body.includes("Jesteśmy"),
    "filtered by case",
  );

  // A moderator may change their mind: one message's own button.
  const undo = await client.post("/office/moderation", { one: `reject:${b}`, status: "approved" });
  assert.equal(undo.statusCode, 303);
  assert.match(String(undo.headers.location), /status=approved/, "back to the same filter");
  assert.equal((await states([b]))[0].status, "rejected");
  assert.ok(!(await wall()).includes("Jesteśmy z Tobą"), "off the wall again");
});

test("a coordinator's bulk decision with a message of another section is 404, and nothing changes", async () => {
  const client = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const mine = await message({ country: "ES" });
  const theirs = await message({ country: "FR", language: "fr" });
  const before = await states([mine, theirs]);
  const audits = await auditCount();
  const forms: Record<string, string | string[]>[] = [
    { ids: [mine, theirs], decision: "approve" },
    { ids: [mine, randomUUID()], decision: "approve" },
    { ids: [mine, "not-a-uuid"], decision: "reject" },
    { one: `approve:${theirs}` },
  ];
  for (const form of forms) {
    const response = await client.post("/office/moderation", form);
    assert.equal(response.statusCode, 404, JSON.stringify(form));
  }
  assert.deepEqual(await states([mine, theirs]), before, "nothing changed");
  assert.equal(await auditCount(), audits, "nothing recorded");

  const none = await client.post("/office/moderation", { decision: "approve" });
  assert.equal(none.statusCode, 422);
  assert.ok(none.body.includes("Select at least one message"));
  const odd = await client.post("/office/moderation", { ids: [mine], decision: "delete" });
  assert.equal(odd.statusCode, 422);
  const forged = await client.post("/office/moderation", {
    ids: [mine],
    decision: "approve",
    _csrf: "forged",
  });
  assert.equal(forged.statusCode, 403);
  assert.deepEqual(await states([mine, theirs]), before, "still nothing changed");
});

test("translators and organizers have no moderation (403)", async () => {
  const id = await message({ country: "FR", language: "fr" });
  for (const role of ["translator", "organizer"] as const) {
    const client = await officeClient(t, await makeUser(t, role, { countries: ["FR"], languages: ["fr"] }));
    assert.equal((await client.get("/office/moderation")).statusCode, 403, role);
    assert.equal(
      (await client.post("/office/moderation", { ids: [id], decision: "approve" })).statusCode,
      403,
    );
  }
  assert.equal((await states([id]))[0].status, "pending");
  const anonymous = await officeClient(t);
  const redirect = await anonymous.get("/office/moderation");
  assert.equal(redirect.statusCode, 303, "anonymous: to the login page");
});

test("a malformed filter is a bad request in the office layout; a decision keeps the valid filter", async () => {
  const client = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const bad = await client.get("/office/moderation?status=everything");
  assert.equal(bad.statusCode, 400);
  assert.ok(bad.body.includes("/assets/office.css"), "the office layout");
  const odd = await client.post("/office/moderation", {
    decision: "delete",
    status: "approved",
    case: "rosa-franco",
  });
  assert.equal(odd.statusCode, 422);
  assert.ok(odd.body.includes("Choose to approve or to reject."));
  assert.ok(odd.body.includes('<option value="approved" selected'), "the filter it was sent from");
});
