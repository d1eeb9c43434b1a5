import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";

// The back office answers its own errors in its own layout: never the public site's problem
// pages, which speak to readers of a case about "actions" and "forms" of the case page.

let node: TestApp;
before(async () => {
  node = await startTestApp({ LOGIN_RATE_LIMIT: "2" });
});
after(async () => node.close());

function assertOfficePage(response: LightMyRequestResponse, status: number, text: string) {
  assert.equal(response.statusCode, status, response.body.slice(0, 300));
  assert.match(String(response.headers["content-type"]), /^text\/html/);
  assert.ok(response.body.includes('href="/assets/office.css"'), "the office layout");
  assert.ok(!response.body.includes("site.css"), "not the public site's layout");
  assert.ok(!response.body.includes("Please send it again."), "not the public form page");
  assert.ok(!response.body.includes("many actions from your connection"), "not the public limit page");
  assert.ok(response.body.includes(text), `says: ${text}\n${response.body.slice(0, 1500)}`);
}

test("a role without the capability is told which one, in the office layout", async () => {
  const translator = await officeClient(node, await makeUser(node, "translator", { languages: ["es"] }));
  const page = await translator.get("/office/users");
  assertOfficePage(page, 403, "Your role (translator) does not allow this: managing accounts.");
  assert.ok(page.body.includes('href="/office/translations"'), "with the person's menu");
  const post = await translator.post("/office/users", { email: "a@example.org", role: "admin" });
  assertOfficePage(post, 403, "managing accounts");
  const count = await node.db.pool.query("SELECT 1 FROM users WHERE email = 'a@example.org'");
  assert.equal(count.rowCount, 0);
});

test("an unknown back-office address is an office 404; JSON clients get problem+json", async () => {
  const organizer = await officeClient(node, await makeUser(node, "organizer"));
  assertOfficePage(await organizer.get("/office/no-such-page"), 404, "This page was not found.");
  assertOfficePage(await organizer.get("/office/users/x/y/z"), 404, "not found");
  const anonymous = await officeClient(node);
  assertOfficePage(await anonymous.get("/office/nothing"), 404, "not found");
  const json = await node.app.inject({
    method: "GET",
    url: "/office/no-such-page",
    headers: { accept: "application/json" },
  });
  assert.equal(json.statusCode, 404);
  assert.match(String(json.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(JSON.parse(json.body).code, "not_found");
});

test("a form sent after the session ended says so, with a login link", async () => {
  const anonymous = await officeClient(node);
  const response = await anonymous.post("/office/moderation", { decision: "approve" });
  assertOfficePage(response, 401, "Your session has ended. Please log in again.");
  assert.ok(response.body.includes('href="/office/login?next=%2Foffice%2Fmoderation"'), "back to the form");
});

test("a forged CSRF token is an expired form in the office layout, with a link back", async () => {
  const anonymous = await officeClient(node);
  const forged = await anonymous.post("/office/reset", { _csrf: "forged", email: "x@example.org" });
  assertOfficePage(forged, 403, "This form has expired");
  assert.ok(forged.body.includes('href="/office/reset"'), "back to the form");
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const logout = await admin.post("/office/logout", { _csrf: "forged" });
  assertOfficePage(logout, 403, "This form has expired");
  assert.ok(logout.body.includes('href="/office"'), "no form page to go back to: the dashboard");
});

test("the login limit says how many minutes to wait, in the office layout", async () => {
  const client = await officeClient(node);
  let last: LightMyRequestResponse | undefined;
  for (let i = 0; i < 3; i++) {
    last = await client.post("/office/login", { email: "x@example.org", password: "not the password" });
  }
  assert.ok(last);
  assertOfficePage(last, 429, "Too many attempts, try again in 15 minutes.");
  assert.ok(Number(last.headers["retry-after"]) > 0);
});

test("a body or an upload too large is a 413 in the office layout", async () => {
  const client = await officeClient(node, await makeUser(node, "admin"));
  const response = await client.post("/office/users", { name: "x".repeat(70 * 1024) });
  assertOfficePage(response, 413, "too large");
  const upload = await client.postMultipart(
    "/office/reports/import",
    {},
    {
      field: "file",
      filename: "reports.csv",
      contentType: "text/csv",
      data: Buffer.alloc(10 * 1024 * 1024 + 1, "a"),
    },
  );
  assertOfficePage(upload, 413, "The file is too large: upload at most 10 MB.");
});

test("case photos keep the public site's answers, not the back office's", async () => {
  const photo = await node.app.inject({ method: "GET", url: "/photos/not-a-uuid/400.webp" });
  assert.equal(photo.statusCode, 404);
  assert.ok(!photo.body.includes("office.css"), "not the office layout");
  assert.equal(photo.headers["set-cookie"], undefined, "no back-office cookies on a public answer");
});

test("a failure on our side is a short office page, and JSON clients get problem+json", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"));
  // The accounts page reads the sections: without them, the page fails.
  await node.db.pool.query("ALTER TABLE sections RENAME TO sections_away");
  try {
    const page = await admin.get("/office/users");
    assertOfficePage(page, 500, "Something went wrong on our side");
    assert.ok(!page.body.includes("sections_away"), "no details of the failure");
    const json = await node.app.inject({
      method: "GET",
      url: "/office/users",
      headers: { accept: "application/json", cookie: `inkwell_session=${admin.cookies.inkwell_session}` },
    });
    assert.equal(json.statusCode, 500);
    assert.equal(JSON.parse(json.body).code, "internal_error");
  } finally {
    await node.db.pool.query("ALTER TABLE sections_away RENAME TO sections");
  }
});

test("the guard comes before the input: a malformed address is not checked for those who may not open it", async () => {
  // A filter given twice is refused (400) on the events list, but only to those who may see it.
  const url = "/office/events?campaign=a&campaign=b";
  const signedOut = await node.app.inject({ method: "GET", url });
  assert.equal(signedOut.statusCode, 303);
  assert.match(String(signedOut.headers.location), /^\/office\/login\?next=/);
  const translator = await officeClient(node, await makeUser(node, "translator", { languages: ["es"] }));
  assertOfficePage(await translator.get(url), 403, "running events");
  const organizer = await officeClient(node, await makeUser(node, "organizer"));
  assert.equal((await organizer.get(url)).statusCode, 400);
});
