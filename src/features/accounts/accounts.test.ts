import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { csrfTokenOf, makeUser, officeClient, TEST_PASSWORD } from "../../../test/support/office.js";
import { purgeExpiredSessions, SESSION_COOKIE } from "../office/index.js";
import { emailKey } from "./throttle.js";

let node: TestApp;
before(async () => {
  node = await startTestApp({ LOGIN_RATE_LIMIT: "30" });
});
after(async () => node.close());

async function login(email: string, password: string) {
  const client = await officeClient(node);
  const response = await client.post("/office/login", { email, password, next: "/office/xyz" });
  return { client, response };
}

test("logging in with the right password opens a session; the wrong one does not", async () => {
  const user = await makeUser(node, "organizer");
  const bad = await login(user.email, "wrong password here");
  assert.equal(bad.response.statusCode, 401);
  assert.match(bad.response.body, /do not match an account/);
  assert.equal(bad.client.cookies[SESSION_COOKIE], undefined);
  const unknown = await login("nobody@example.org", TEST_PASSWORD);
  assert.equal(unknown.response.statusCode, 401, "an unknown email gets the same answer");
  const good = await login(user.email.toUpperCase(), TEST_PASSWORD);
  assert.equal(good.response.statusCode, 303);
  assert.equal(good.response.headers.location, "/office/xyz");
  const cookie = good.response.cookies.find((c) => c.name === SESSION_COOKIE);
  assert.ok(cookie?.httpOnly, "the session cookie is httpOnly");
  assert.equal(cookie?.sameSite, "Lax");
  const row = await node.db.pool.query("SELECT token_hash FROM sessions WHERE user_id = $1", [user.id]);
  assert.equal(row.rowCount, 1);
  assert.notEqual(row.rows[0].token_hash, cookie?.value, "only a hash of the token is stored");
});

test("a login page never sends people to another site afterwards", async () => {
  const user = await makeUser(node, "organizer");
  const client = await officeClient(node);
  const response = await client.post("/office/login", {
    email: user.email,
    password: TEST_PASSWORD,
    next: "//evil.example/office",
  });
  assert.equal(response.headers.location, "/office");
});

test("a forged or missing CSRF token is refused and opens no session", async () => {
  const user = await makeUser(node, "organizer");
  const client = await officeClient(node);
  const forged = await client.post("/office/login", {
    _csrf: "forged-token",
    email: user.email,
    password: TEST_PASSWORD,
  });
  assert.equal(forged.statusCode, 403);
  const none = await node.app.inject({
    method: "POST",
    url: "/office/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: `email=${encodeURIComponent(user.email)}&password=${encodeURIComponent(TEST_PASSWORD)}`,
  });
  assert.equal(none.statusCode, 403);
  assert.equal(client.cookies[SESSION_COOKIE], undefined);
});

test("five wrong passwords lock the email for browsers it never logged in from, even with the right one", async () => {
  const user = await makeUser(node, "translator");
  // From five addresses, so that no address's own delay comes first.
  for (let i = 0; i < 5; i++) {
    const client = await officeClient(node, undefined, { address: `10.0.5.${i + 1}` });
    const r = await client.post("/office/login", { email: user.email, password: `wrong-${i}-password` });
    assert.equal(r.statusCode, 401);
  }
  const stranger = await officeClient(node, undefined, { address: "10.0.5.9" });
  const locked = await stranger.post("/office/login", { email: user.email, password: TEST_PASSWORD });
  assert.equal(locked.statusCode, 429);
  assert.match(locked.body, /Too many failed attempts/);
  assert.equal(locked.headers["retry-after"], "900");
  await node.db.pool.query(
    "UPDATE login_failures SET blocked_until = now() - interval '1 second', window_ends_at = now() WHERE key = $1",
    [emailKey(user.email)],
  );
  const later = await stranger.post("/office/login", { email: user.email, password: TEST_PASSWORD });
  assert.equal(later.statusCode, 303, "the lock ends by itself");
});

test("logout ends this session; logout everywhere ends all of them", async () => {
  const user = await makeUser(node, "coordinator", { countries: ["ES"] });
  const phone = await officeClient(node, user);
  const laptop = await officeClient(node, user);
  assert.equal((await phone.get("/office")).statusCode, 200);
  const out = await phone.post("/office/logout");
  assert.equal(out.statusCode, 303);
  assert.equal((await phone.get("/office")).statusCode, 303, "the phone is logged out");
  assert.equal((await laptop.get("/office")).statusCode, 200, "the laptop is still in");
  const tablet = await officeClient(node, user);
  await tablet.post("/office/logout-everywhere");
  assert.equal((await laptop.get("/office")).statusCode, 303, "the laptop is logged out too");
  const audit = await node.db.pool.query("SELECT action FROM audit_log WHERE user_id = $1", [user.id]);
  assert.deepEqual(
    audit.rows.map((r) => r.action),
    ["logout_everywhere"],
  );
});

test("a back-office page sends a visitor without a session to the login page", async () => {
  const anonymous = await officeClient(node);
  const response = await anonymous.get("/office?tab=1");
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, "/office/login?next=%2Foffice%3Ftab%3D1");
  const post = await anonymous.post("/office/logout");
  assert.equal(post.statusCode, 401);
});

test("logins are limited per address, beside the throttle of failed ones", async () => {
  const client = await officeClient(node);
  const page = await client.get("/office/reset");
  const token = csrfTokenOf(page.body);
  let last = { statusCode: 0, body: "" };
  for (let i = 0; i < 31; i++) {
    last = await client.post("/office/login", {
      _csrf: token,
      email: "x@example.org",
      password: "whatever-password",
    });
  }
  assert.equal(last.statusCode, 429);
  // The 31st of LOGIN_RATE_LIMIT=30 is refused by the outer limit, not by the failures' delay.
  assert.match(last.body, /<title>Too many attempts/);
  assert.doesNotMatch(last.body, /Too many failed attempts/);
});

test("ended sessions and spent links are deleted by the housekeeping", async () => {
  const user = await makeUser(node, "organizer");
  const live = await officeClient(node, user);
  await node.db.pool.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('old-1', $1, now() - interval '1 minute'),
            ('idle-1', $1, now() + interval '1 day')`,
    [user.id],
  );
  await node.db.pool.query(
    "UPDATE sessions SET last_seen_at = now() - interval '13 hours' WHERE token_hash = 'idle-1'",
  );
  await node.db.pool.query(
    `INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at, used_at)
     VALUES ('used-1', $1, 'reset', now() + interval '1 hour', now()), ('gone-1', $1, 'invite', now() - interval '1 hour', NULL),
            ('live-1', $1, 'reset', now() + interval '1 hour', NULL)`,
    [user.id],
  );
  assert.ok((await purgeExpiredSessions(node.db.pool)) >= 4);
  const sessions = await node.db.pool.query("SELECT token_hash FROM sessions WHERE user_id = $1", [user.id]);
  assert.equal(sessions.rowCount, 1, "only the live session is left");
  assert.equal((await live.get("/office")).statusCode, 200);
  const tokens = await node.db.pool.query("SELECT token_hash FROM account_tokens WHERE user_id = $1", [
    user.id,
  ]);
  assert.deepEqual(
    tokens.rows.map((r) => r.token_hash),
    ["live-1"],
  );
});

test("a reset for something that is not an email address comes back with the error beside the field", async () => {
  const client = await officeClient(node);
  const response = await client.post("/office/reset", { email: "not an address" });
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /<p class="error" id="f-email-error">Please enter an email address.<\/p>/);
  assert.match(response.body, /value="not an address"/, "the form keeps what was typed");
  assert.doesNotMatch(response.body, /we have sent it a link/);
});
