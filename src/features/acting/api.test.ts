import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, postAction, REPORTER_TOKEN, startTestApp, type TestApp } from "../../../test/support/app.js";
import { emailKey, opened } from "../../../test/support/personal.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

async function ledgerRows(): Promise<number> {
  return (await t.db.pool.query("SELECT count(*)::int AS n FROM actions")).rows[0].n;
}

const post = (body: unknown, headers: Record<string, string> = {}) => postAction(t, body, headers);

test("an action is stored and answered 201 with what was stored", async () => {
  const before = t.runtime.counters.of(t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0).total;
  const response = await post(
    action({ country: "pl", supporter: { name: "Ana", email: "Ana@Example.org" } }),
  );
  assert.equal(response.statusCode, 201);
  const body = response.json();
  assert.match(body.id, /^[0-9a-f-]{36}$/);
  assert.equal(body.campaign, "w4r-2012");
  assert.equal(body.case, "gao-zhisheng");
  assert.equal(body.type, "letter");
  assert.equal(body.country, "PL");
  assert.equal(body.quantity, 1);
  assert.ok(!Number.isNaN(Date.parse(body.recordedAt)));
  const [stored] = await opened(
    t.db,
    `SELECT a.country, s.email_sealed, s.name_sealed, s.email AS clear_email, s.name AS clear_name
       FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE a.id = $1`,
    [body.id],
  );
  assert.deepEqual(
    { country: stored?.country, email: stored?.email, name: stored?.name },
    { country: "PL", email: "ana@example.org", name: "Ana" },
  );
  assert.equal(stored?.clear_email, null, "nothing in clear text");
  assert.equal(stored?.clear_name, null);
  const after = t.runtime.counters.of(t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0).total;
  assert.equal(after, before + 1, "the counter moves as soon as the action is acknowledged");
});

test("the same idempotency key answers 200 with the same id and counts nothing", async () => {
  const first = await post(action(), { "idempotency-key": "same-key-1" });
  const rows = await ledgerRows();
  const again = await post(action(), { "idempotency-key": "same-key-1" });
  assert.equal(first.statusCode, 201);
  assert.equal(again.statusCode, 200);
  assert.equal(again.headers["idempotent-replayed"], "true");
  assert.equal(again.json().id, first.json().id);
  assert.equal(await ledgerRows(), rows);
});

test("an idempotency key reused for a different action is refused", async () => {
  await post(action(), { "idempotency-key": "same-key-2" });
  const other = await post(action({ type: "petition" }), { "idempotency-key": "same-key-2" });
  assert.equal(other.statusCode, 422);
  assert.equal(other.json().code, "idempotency_key_reused");
});

test("bad input gets a 4xx problem and writes nothing", async (s) => {
  const cases: [string, () => ReturnType<typeof post>, number, string][] = [
    ["malformed JSON", () => post('{"campaign": "w4r-2012",'), 400, "malformed_json"],
    ["empty body", () => post(""), 400, "empty_body"],
    ["not an object", () => post("[1,2]"), 400, "validation_failed"],
    [
      "missing field",
      () => post({ campaign: "w4r-2012", case: "gao-zhisheng", type: "letter" }),
      400,
      "validation_failed",
    ],
    ["unknown field", () => post(action({ extra: 1 })), 400, "validation_failed"],
    ["unknown type", () => post(action({ type: "fax" })), 400, "validation_failed"],
    ["malformed country", () => post(action({ country: "FRA" })), 400, "validation_failed"],
    ["unassigned country", () => post(action({ country: "QQ" })), 422, "unknown_country"],
    ["unknown campaign", () => post(action({ campaign: "w4r-1999" })), 422, "unknown_campaign"],
    ["unknown case", () => post(action({ case: "nobody" })), 422, "unknown_case"],
    ["zero quantity", () => post(action({ quantity: 0 })), 400, "validation_failed"],
    ["negative quantity", () => post(action({ quantity: -5 })), 400, "validation_failed"],
    ["fractional quantity", () => post(action({ quantity: 1.5 })), 400, "validation_failed"],
    [
      "absurd quantity",
      () => post(action({ quantity: 5_000_000 }), { authorization: `Bearer ${REPORTER_TOKEN}` }),
      400,
      "validation_failed",
    ],
    ["bad date", () => post(action({ occurredAt: "yesterday" })), 400, "validation_failed"],
    ["bad channel", () => post(action({ channel: "Web Site!" })), 400, "validation_failed"],
    ["bad email", () => post(action({ supporter: { email: "not-an-email" } })), 400, "validation_failed"],
    ["batch without token", () => post(action({ quantity: 340 })), 403, "reporter_token_required"],
    [
      "wrong token",
      () => post(action(), { authorization: "Bearer wrong-token-000000" }),
      401,
      "invalid_token",
    ],
    [
      "malformed authorization",
      () => post(action(), { authorization: "Basic abc" }),
      401,
      "invalid_authorization",
    ],
    ["closed campaign", () => post(action({ campaign: "w4r-2011" })), 409, "campaign_not_open"],
    [
      "bad idempotency key",
      () => post(action(), { "idempotency-key": "has space" }),
      400,
      "validation_failed",
    ],
    [
      "wrong content type",
      () =>
        t.app.inject({
          method: "POST",
          url: "/api/v1/actions",
          headers: { "content-type": "text/plain" },
          payload: "letter please",
        }),
      415,
      "unsupported_media_type",
    ],
    [
      "oversized body",
      () => post(action({ supporter: { name: "x".repeat(20_000) } })),
      413,
      "body_too_large",
    ],
  ];
  const rowsBefore = await ledgerRows();
  for (const [name, send, status, code] of cases) {
    await s.test(name, async () => {
      const response = await send();
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers["content-type"]), /^application\/problem\+json/);
      const problem = response.json();
      assert.equal(problem.code, code);
      assert.equal(problem.status, status);
      assert.ok(problem.detail.length > 0);
    });
  }
  assert.equal(await ledgerRows(), rowsBefore, "no bad request wrote anything");
});

test("validation problems name each field", async () => {
  const response = await post({ campaign: "w4r-2012", case: "gao-zhisheng", type: "fax", country: "F" });
  const fields = response
    .json()
    .errors.map((e: { field: string }) => e.field)
    .sort();
  assert.deepEqual(fields, ["country", "type"]);
});

test("a reporter may post a batch, also after the campaign ended, within its late-report period", async () => {
  const auth = { authorization: `Bearer ${REPORTER_TOKEN}` };
  const batch = await post(action({ quantity: 340 }), auth);
  assert.equal(batch.statusCode, 201);
  assert.equal(batch.json().quantity, 340);
  assert.equal(batch.json().channel, "report");
  // The 2011 edition ended months ago, longer than the default 90 days of late reports.
  const closed = await post(action({ campaign: "w4r-2011", quantity: 25 }), auth);
  assert.equal(closed.statusCode, 409, closed.body);
  assert.equal(closed.json().code, "reports_closed");
  await t.db.pool.query("UPDATE campaigns SET late_report_days = 3650 WHERE slug = 'w4r-2011'");
  await t.runtime.catalogChanged();
  const late = await post(action({ campaign: "w4r-2011", quantity: 25 }), auth);
  assert.equal(late.statusCode, 201, late.body);
  const previous = t.runtime.catalog().campaigns.get("w4r-2011");
  assert.ok(previous && Date.parse(late.json().occurredAt) < previous.endsAt.getTime());
  const stored = await t.db.pool.query("SELECT reporter FROM actions WHERE id = $1", [late.json().id]);
  assert.match(
    stored.rows[0].reporter,
    /^token:[0-9a-f]{12}$/,
    "the ledger keeps a fingerprint, not the token",
  );
});

test("online actions are rate limited per address, with Retry-After", async () => {
  const limited = await startTestApp({ ACTION_RATE_LIMIT: "3" });
  try {
    const send = (remoteAddress: string) =>
      limited.app.inject({
        method: "POST",
        url: "/api/v1/actions",
        remoteAddress,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(action()),
      });
    for (let i = 0; i < 3; i++) assert.equal((await send("203.0.113.7")).statusCode, 201);
    const refused = await send("203.0.113.7");
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().code, "rate_limited");
    assert.ok(Number(refused.headers["retry-after"]) > 0);
    assert.equal((await send("203.0.113.8")).statusCode, 201, "another address is not affected");
  } finally {
    await limited.close();
  }
});

test("supporters are kept once per person, and a name alone is kept with its action", async () => {
  // One person however the address is spelled: case, and Gmail's dots and +tags.
  const spellings = ["d.up@gmail.com", "DUP+w4r@gmail.com", "dup@googlemail.com"];
  const responses = await Promise.all(
    ["Ann", "Anna", undefined].map((name, i) =>
      post(action({ supporter: { email: spellings[i], ...(name ? { name } : {}) } })),
    ),
  );
  assert.ok(responses.every((r) => r.statusCode === 201));
  const people = await opened(
    t.db,
    "SELECT id, name_sealed, email_sealed FROM supporters WHERE email_key = $1",
    [emailKey(t.db, "dup@gmail.com")],
  );
  assert.equal(people.length, 1);
  assert.ok(
    ["Ann", "Anna"].includes(String(people[0]?.name)),
    "a later action without a name keeps the name",
  );
  assert.ok(spellings.includes(String(people[0]?.email)), "the address as one of them typed it");
  const linked = await t.db.pool.query("SELECT count(*)::int AS n FROM actions WHERE supporter_id = $1", [
    people[0]?.id,
  ]);
  assert.equal(linked.rows[0].n, 3);
  const anonymous = await post(action({ supporter: { name: "Only A Name" } }));
  const [row] = await opened(
    t.db,
    "SELECT s.email_sealed, s.name_sealed FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE a.id = $1",
    [anonymous.json().id],
  );
  assert.deepEqual({ email: row?.email, name: row?.name }, { email: null, name: "Only A Name" });
});

test("the API takes only JSON: forms, multipart and text are refused with 415 and store nothing", async () => {
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  const rows = await ledgerRows();
  const total = t.runtime.counters.of(campaign).total;
  const fields = "campaign=w4r-2012&case=gao-zhisheng&type=letter&country=FR";
  const boundary = "----inkwell-test";
  const multipartBody = Object.entries(Object.fromEntries(new URLSearchParams(fields)))
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join("")
    .concat(`--${boundary}--\r\n`);
  const bodies: [string, string][] = [
    ["application/x-www-form-urlencoded", fields],
    [`multipart/form-data; boundary=${boundary}`, multipartBody],
    ["text/plain", JSON.stringify(action())],
  ];
  for (const [type, payload] of bodies) {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/actions",
      headers: { "content-type": type },
      payload,
    });
    assert.equal(response.statusCode, 415, type);
    assert.match(String(response.headers["content-type"]), /application\/problem\+json/, type);
    assert.equal(response.json().code, "unsupported_media_type", type);
    assert.equal(response.headers["access-control-allow-origin"], undefined, "writes get no CORS header");
  }
  assert.equal(await ledgerRows(), rows, "the ledger is unchanged");
  assert.equal(t.runtime.counters.of(campaign).total, total, "the counter is unchanged");
});

test("writes answer no CORS preflight and send no CORS headers", async () => {
  const created = await post(action(), { origin: "https://partner.example" });
  assert.equal(created.statusCode, 201);
  assert.equal(created.headers["access-control-allow-origin"], undefined);
  const preflight = await t.app.inject({
    method: "OPTIONS",
    url: "/api/v1/actions",
    headers: {
      origin: "https://partner.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });
  assert.equal(preflight.headers["access-control-allow-origin"], undefined);
  assert.equal(preflight.statusCode, 404);
});
