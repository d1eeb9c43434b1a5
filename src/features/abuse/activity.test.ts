import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { medianWithZeros } from "./activity.js";
import { apiPost, formPost, letter, signature } from "./fixtures.js";

// /office/activity: a flooding address and its network stand out against their usual level,
// and each action's origin is kept in the same statement that stores it.

let t: TestApp;
before(async () => {
  t = await startTestApp({ ACTION_RATE_LIMIT: "0" });
});
after(async () => t.close());

const HOUR = 3_600_000;

test("each action posted by a client keeps its address and email domain, written with it", async () => {
  const sign = await formPost(
    t,
    "198.18.0.1",
    "/en/cases/coastei-street/sign",
    signature("Mixed.Case@Example.ORG"),
  );
  assert.equal(sign.statusCode, 303);
  const api = await apiPost(t, "2001:db8:5::7", {
    campaign: "w4r-2012",
    case: "coastei-street",
    type: "email",
    country: "GB",
    supporter: { email: "someone@Mail.Example.net" },
  });
  assert.equal(api.statusCode, 201);
  const rows = await t.db.pool.query<{ address: string; email_domain: string | null; same: boolean }>(
    `SELECT host(o.address) AS address, o.email_domain, o.recorded_at = a.recorded_at AS same
       FROM action_origins o JOIN actions a ON a.id = o.action_id
      WHERE o.case_id = (SELECT id FROM cases WHERE slug = 'coastei-street') ORDER BY o.recorded_at`,
  );
  assert.deepEqual(rows.rows, [
    { address: "198.18.0.1", email_domain: "example.org", same: true },
    { address: "2001:db8:5::7", email_domain: "mail.example.net", same: true },
  ]);
  // A network matches as PostgreSQL matches CIDRs, as an invalidation by network will ask.
  const inNetwork = await t.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM action_origins WHERE address <<= '2001:db8:5::/48'",
  );
  assert.equal(inNetwork.rows[0]?.n, 1);
});

test("the activity page shows a flooding address and its network as unusual, a regular one as usual", async () => {
  const caseId = (
    await t.db.pool.query<{ id: number }>("SELECT id FROM cases WHERE slug = 'ales-bialiatski'")
  ).rows[0]?.id;
  const campaignId = t.runtime.catalog().campaigns.get("w4r-2012")?.id;
  assert.ok(caseId && campaignId);
  // A regular source: 4 actions in every hour of the week before.
  const now = Date.now();
  const thisHour = Math.floor(now / HOUR) * HOUR;
  await t.db.pool.query(
    `INSERT INTO action_origins (action_id, campaign_id, case_id, quantity, recorded_at, address)
     SELECT gen_random_uuid(), $1, $2, 4, to_timestamp(($3::bigint - h * 3600000 + 60000) / 1000.0), '192.0.2.44'
       FROM generate_series(1, 168) AS h`,
    [campaignId, caseId, thisHour],
  );
  // This hour: the regular source as usual, and a flood from two addresses of one /24.
  const path = "/en/cases/ales-bialiatski/letter";
  for (let i = 0; i < 3; i++) await formPost(t, "192.0.2.44", path, letter());
  for (let i = 0; i < 12; i++) await formPost(t, "203.0.113.77", path, letter(2));
  for (let i = 0; i < 6; i++) await formPost(t, "203.0.113.78", path, letter());
  for (let i = 0; i < 5; i++)
    await formPost(t, "198.51.100.3", "/en/cases/ales-bialiatski/sign", signature(`p${i}@Flood.Example`));
  // Between the inserts and the page the hour may have turned: then look at the hour they were in.
  const hour = new Date(thisHour).toISOString().slice(0, 13);

  const admin = await officeClient(t, await makeUser(t, "admin"));
  const page = await admin.get(`/office/activity?campaign=w4r-2012&hour=${hour}`);
  assert.equal(page.statusCode, 200);
  const body = page.body;
  assert.match(body, /Case ales-bialiatski/);
  const row = (key: string) => {
    const match = new RegExp(`<tr[^>]*><td><code>${key.replaceAll(".", "\\.")}</code></td>(.*?)</tr>`).exec(
      body,
    );
    assert.ok(match, `${key} is listed`);
    return [...(match[1] ?? "").matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]?.replace(/<[^>]+>/g, ""));
  };
  // actions, median, busiest, verdict
  assert.deepEqual(row("203.0.113.77"), ["24", "0", "0", "Unusual"]);
  assert.deepEqual(row("203.0.113.0/24"), ["30", "0", "0", "Unusual"]);
  assert.deepEqual(row("192.0.2.44"), ["3", "4", "4", "Usual"]);
  assert.deepEqual(row("192.0.2.0/24"), ["3", "4", "4", "Usual"]);
  assert.deepEqual(row("flood.example"), ["5", "0", "0", "Usual"], "under 10 actions is not unusual");
  // The flood comes first in its table.
  assert.ok(body.indexOf("<code>203.0.113.77</code>") < body.indexOf("<code>192.0.2.44</code>"));
  assert.match(body, /aria-current="page"[^>]*>Activity</);

  // An hour with nothing.
  const empty = await admin.get("/office/activity?campaign=w4r-2012&hour=2020-01-01T00");
  assert.match(empty.body, /No action came from a client in this hour\./);
  // Others may not see it: addresses and emails' domains are personal data.
  const coordinator = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  assert.equal((await coordinator.get("/office/activity")).statusCode, 403);
});

test("the usual level is the median of the week's hours, counting the hours without actions", () => {
  assert.equal(medianWithZeros([], 168), 0);
  assert.equal(medianWithZeros([5, 5, 5], 168), 0, "three busy hours in a week are not the usual");
  assert.equal(medianWithZeros(new Array(168).fill(4), 168), 4);
  assert.equal(medianWithZeros([...new Array(84).fill(10), ...new Array(84).fill(2)], 168), 6);
  assert.equal(medianWithZeros([1, 2, 3], 3), 2);
});
