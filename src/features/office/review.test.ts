import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { csrfTokenOf, makeUser, officeClient, TEST_PASSWORD } from "../../../test/support/office.js";
import { opened } from "../../../test/support/personal.js";
import { safeNext } from "./context.js";

// Regression tests from a review of the back office: inputs that used to end in a 500.

let node: TestApp;
before(async () => {
  node = await startTestApp();
});
after(async () => node.close());

const event = {
  title: "Letters\u0000 at the library",
  address: "Calle Mayor 1",
  country: "ES",
  starts: "2031-12-06T18:00",
  ends: "2031-12-06T21:00",
  time_zone: "Europe/Madrid",
  public: "1",
};

test("a NUL character in a form is dropped, not a 500 from PostgreSQL", async () => {
  const user = await makeUser(node, "organizer");
  // Login and reset are open to anyone.
  const anonymous = await officeClient(node);
  const login = await anonymous.post("/office/login", {
    email: `${user.email}\u0000`,
    password: TEST_PASSWORD,
  });
  assert.equal(login.statusCode, 303);
  const reset = await anonymous.post("/office/reset", { email: "nobody\u0000@example.org" });
  assert.equal(reset.statusCode, 200);

  const organizer = await officeClient(node, user);
  const created = await organizer.post("/office/events/new", event);
  assert.equal(created.statusCode, 303, created.body);
  const id = /events\/([0-9a-f-]{36})/.exec(String(created.headers.location))?.[1];
  const row = await node.db.pool.query("SELECT title FROM events WHERE id = $1", [id]);
  assert.equal(row.rows[0].title, "Letters at the library");

  // The public RSVP form of that event.
  const page = await anonymous.get(`/events/${id}`);
  assert.equal(page.statusCode, 200);
  // No token: the public forms are guarded by where the post comes from (cross-origin.ts).
  const rsvp = await anonymous.post(`/events/${id}`, {
    name: "Ana\u0000",
    email: "ana@example.org",
    consent: "1",
  });
  assert.equal(rsvp.statusCode, 303, rsvp.body);
  const rsvps = await opened(node.db, "SELECT name_sealed FROM event_rsvps WHERE event_id = $1", [id]);
  assert.deepEqual(
    rsvps.map((r) => r.name),
    ["Ana"],
  );
});

test("values that are not strings (JSON, a file sent to a plain form) are no values, not a 500", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const page = await admin.get("/office/reset");
  const json = await node.app.inject({
    method: "POST",
    url: "/office/users",
    headers: {
      cookie: Object.entries(admin.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join("; "),
      "content-type": "application/json",
    },
    payload: JSON.stringify({ _csrf: csrfTokenOf(page.body), email: 5, role: ["admin"], sections: [1] }),
  });
  assert.equal(json.statusCode, 422, json.body);
  const coordinator = await makeUser(node, "coordinator", { countries: ["ES"] });
  const client = await officeClient(node, coordinator);
  const upload = await client.postMultipart(
    `/office/sections/${node.runtime.sectionOf("ES")}`,
    { languages: "es" },
    { field: "postal_address", filename: "a.txt", contentType: "text/plain", data: Buffer.from("x") },
  );
  assert.equal(upload.statusCode, 303, upload.body);
});

test("the audit log ignores repeated filters and ids too large, instead of failing", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const repeated = await admin.get("/office/audit?actor=a&actor=b&id=1&id=2&entity=user&entity=event");
  assert.equal(repeated.statusCode, 200);
  const huge = await admin.get(`/office/audit?before=${"9".repeat(30)}`);
  assert.equal(huge.statusCode, 200);
});

test("a report form for a repeated ?event= is a 404, not a 500", async () => {
  const organizer = await officeClient(node, await makeUser(node, "organizer", { countries: ["ES"] }));
  const response = await organizer.get(
    "/office/reports/new?event=5e598983-b94a-4da4-80b9-0be1ec374df3&event=x",
  );
  assert.equal(response.statusCode, 404);
});

test("after login, only a printable back-office path is a place to return to", async () => {
  assert.equal(safeNext("/office/events?x=1"), "/office/events?x=1");
  assert.equal(safeNext("/office/\r\nSet-Cookie: a=b"), "/office");
  assert.equal(safeNext("/office/€"), "/office");
  const client = await officeClient(node, await makeUser(node, "organizer"));
  const response = await client.get("/office/login?next=%2Foffice%2F%0D%0AX-Evil%3A%201");
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, "/office");
  assert.equal(response.headers["x-evil"], undefined);
});

test("every form of the first page seen without a CSRF cookie carries a valid token", async () => {
  // A browser restarted keeps the session cookie (14 days) but not the CSRF cookie (no expiry).
  const user = await makeUser(node, "organizer", { countries: ["ES"] });
  const client = await officeClient(node, user);
  delete client.cookies._csrf;
  const page = await client.get("/office/reports/new");
  assert.equal(page.statusCode, 200);
  const tokens = [...page.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1] as string);
  assert.ok(tokens.length >= 2, "the report form and the log-out button");
  const key = /name="key" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  const today = new Date().toISOString().slice(0, 10);
  const campaign = node.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign && campaign.startsAt <= new Date());
  for (const token of tokens) {
    // A wrong quantity: past the CSRF check, the form comes back with its error.
    const response = await client.post("/office/reports/new", {
      _csrf: token,
      key,
      case: "gao-zhisheng",
      country: "ES",
      date: today,
      quantity: "0",
    });
    assert.equal(response.statusCode, 422, response.body.slice(0, 200));
  }
  const logout = await client.post("/office/logout", { _csrf: tokens[0] as string });
  assert.equal(logout.statusCode, 303);
});
