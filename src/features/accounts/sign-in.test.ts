import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { csrfTokenOf, makeUser, officeClient, TEST_PASSWORD } from "../../../test/support/office.js";
import { CSRF_COOKIE } from "../../platform/http/csrf.js";
import { hashToken, insertUser, SESSION_COOKIE } from "../office/index.js";
import { issueAccountToken } from "./account-tokens.js";
import { DEVICE_COOKIE } from "./throttle.js";

// What happens when someone signs in: a new password ends every other link of the account, the
// CSRF secret is the new session's, and the cookies are Secure over HTTPS.

let node: TestApp;
before(async () => {
  node = await startTestApp({ LOGIN_RATE_LIMIT: "0" });
});
after(async () => node.close());

let people = 0;
async function invitedPerson() {
  people += 1;
  const user = await insertUser(node.db.pool, {
    email: `invited-${people}-${process.pid}@example.org`,
    name: "",
    role: "organizer",
  });
  return { user, invite: await issueAccountToken(node.db.pool, user.id, "invite") };
}

const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

function post(url: string, cookies: Record<string, string>, form: Record<string, string>) {
  return node.app.inject({
    method: "POST",
    url,
    headers: { cookie: cookieHeader(cookies), "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams(form).toString(),
  });
}

const cookieOf = (response: LightMyRequestResponse, name: string) =>
  (response.cookies as { name: string; value: string; secure?: boolean }[]).find((c) => c.name === name);

async function outstandingLinks(userId: number): Promise<number> {
  const result = await node.db.pool.query(
    "SELECT 1 FROM account_tokens WHERE user_id = $1 AND used_at IS NULL AND expires_at > now()",
    [userId],
  );
  return result.rowCount ?? 0;
}

async function logsIn(email: string, password: string): Promise<number> {
  const client = await officeClient(node);
  return (await client.post("/office/login", { email, password })).statusCode;
}

test("a password set through a reset ends the unused invitation: it neither opens nor replaces it", async () => {
  const { user, invite } = await invitedPerson();
  const reset = await issueAccountToken(node.db.pool, user.id, "reset");
  const browser = await officeClient(node);
  const chosen = "the password chosen by reset";
  assert.equal((await browser.post(`/office/reset/${reset}`, { password: chosen })).statusCode, 303);
  assert.equal(await outstandingLinks(user.id), 0, "no link of the account is left");
  const other = await officeClient(node);
  assert.equal((await other.get(`/office/invite/${invite}`)).statusCode, 404);
  const replace = await other.post(`/office/invite/${invite}`, {
    name: "X",
    password: "a password of the attacker",
  });
  assert.equal(replace.statusCode, 404);
  assert.equal(await logsIn(user.email, chosen), 303, "the reset's password stands");
  assert.equal(await logsIn(user.email, "a password of the attacker"), 401);
});

test("an accepted invitation ends the reset link asked for before it", async () => {
  const { user, invite } = await invitedPerson();
  const reset = await issueAccountToken(node.db.pool, user.id, "reset");
  const browser = await officeClient(node);
  const chosen = "the password chosen by invitation";
  const accepted = await browser.post(`/office/invite/${invite}`, { name: "Invitee", password: chosen });
  assert.equal(accepted.statusCode, 303);
  assert.equal(await outstandingLinks(user.id), 0);
  const other = await officeClient(node);
  assert.equal((await other.get(`/office/reset/${reset}`)).statusCode, 404);
  const replace = await other.post(`/office/reset/${reset}`, { password: "a password of the attacker" });
  assert.equal(replace.statusCode, 404);
  assert.equal(await logsIn(user.email, chosen), 303);
  assert.equal(await logsIn(user.email, "a password of the attacker"), 401);
});

test("a reset ends the other reset links and invitation of the account too, and forgets its known browsers", async () => {
  const user = await makeUser(node, "organizer");
  const first = await issueAccountToken(node.db.pool, user.id, "reset");
  const known = await officeClient(node);
  assert.equal(
    (await known.post("/office/login", { email: user.email, password: TEST_PASSWORD })).statusCode,
    303,
  );
  const devices = async () =>
    (await node.db.pool.query("SELECT token_hash FROM login_devices WHERE user_id = $1", [user.id])).rows.map(
      (r) => r.token_hash,
    );
  assert.deepEqual(await devices(), [hashToken(known.cookies[DEVICE_COOKIE] as string)]);
  // An invitation row for an account with a password is not made by the app; the reset must end it anyway.
  await node.db.pool.query(
    `INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at)
     VALUES ('stray-invite-${user.id}', $1, 'invite', now() + interval '1 day')`,
    [user.id],
  );
  const browser = await officeClient(node);
  assert.equal(
    (await browser.post(`/office/reset/${first}`, { password: "a brand new password" })).statusCode,
    303,
  );
  assert.equal(await outstandingLinks(user.id), 0);
  assert.deepEqual(
    await devices(),
    [hashToken(browser.cookies[DEVICE_COOKIE] as string)],
    "only the browser that chose the password is known now",
  );
});

test("the CSRF token of the login page is refused once logged in; the new session's is accepted", async () => {
  const user = await makeUser(node, "organizer");
  const browser = await officeClient(node);
  const before = browser.cookies[CSRF_COOKIE];
  const token = csrfTokenOf((await browser.get("/office/login")).body);
  const login = await browser.post("/office/login", {
    _csrf: token,
    email: user.email,
    password: TEST_PASSWORD,
  });
  assert.equal(login.statusCode, 303);
  const rotated = cookieOf(login, CSRF_COOKIE);
  assert.ok(rotated && rotated.value !== before, "the login sets a new CSRF secret");
  const stale = await post("/office/logout", browser.cookies, { _csrf: token });
  assert.equal(stale.statusCode, 403, "the token from before the login is refused");
  assert.equal((await browser.get("/office")).statusCode, 200, "still signed in");
  assert.equal((await browser.post("/office/logout")).statusCode, 303, "a token of the session works");
});

test("a planted CSRF cookie with its matching token is worth nothing once its victim is logged in", async () => {
  const user = await makeUser(node, "admin");
  // The attacker's own visit gives a secret and a token made from it.
  const attacker = await officeClient(node);
  const planted = attacker.cookies[CSRF_COOKIE] as string;
  const token = csrfTokenOf((await attacker.get("/office/login")).body);
  // The victim's browser carries the planted cookie and logs in (the pair is good before login).
  const victim: Record<string, string> = { [CSRF_COOKIE]: planted };
  const login = await post("/office/login", victim, {
    _csrf: token,
    email: user.email,
    password: TEST_PASSWORD,
  });
  assert.equal(login.statusCode, 303);
  const session = cookieOf(login, SESSION_COOKIE)?.value as string;
  const rotated = cookieOf(login, CSRF_COOKIE)?.value as string;
  assert.notEqual(rotated, planted);
  for (const csrf of [planted, rotated]) {
    // With the cookie planted again after the login, or with the one the login set.
    const forged = await post(
      "/office/logout-everywhere",
      { [SESSION_COOKIE]: session, [CSRF_COOKIE]: csrf },
      {
        _csrf: token,
      },
    );
    assert.equal(forged.statusCode, 403);
  }
  const still = await node.app.inject({
    method: "GET",
    url: "/office",
    headers: { cookie: `${SESSION_COOKIE}=${session}` },
  });
  assert.equal(still.statusCode, 200, "the forged requests ended nothing");
});

test("accepting an invitation signs in with a new CSRF secret too", async () => {
  const { invite } = await invitedPerson();
  const browser = await officeClient(node);
  const token = csrfTokenOf((await browser.get(`/office/invite/${invite}`)).body);
  const accepted = await browser.post(`/office/invite/${invite}`, {
    _csrf: token,
    name: "Invitee",
    password: "a good long password",
  });
  assert.equal(accepted.statusCode, 303);
  assert.ok(cookieOf(accepted, SESSION_COOKIE) && cookieOf(accepted, CSRF_COOKIE));
  assert.equal((await post("/office/logout", browser.cookies, { _csrf: token })).statusCode, 403);
});

/** The cookies a login and the pages set, by name, with their Secure flag. */
async function secureFlags(app: TestApp, headers: Record<string, string>) {
  const user = await makeUser(node, "organizer");
  const page = await app.app.inject({ method: "GET", url: "/office/login", headers });
  const csrf = cookieOf(page, CSRF_COOKIE);
  const login = await app.app.inject({
    method: "POST",
    url: "/office/login",
    headers: {
      ...headers,
      cookie: `${CSRF_COOKIE}=${csrf?.value}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams({
      _csrf: csrfTokenOf(page.body),
      email: user.email,
      password: TEST_PASSWORD,
    }).toString(),
  });
  assert.equal(login.statusCode, 303);
  // A public page's forms carry no token: the page sets no cookie at all, over HTTP or HTTPS.
  const casePage = await app.app.inject({ method: "GET", url: "/cases/gao-zhisheng", headers });
  assert.equal(casePage.statusCode, 200);
  assert.equal(casePage.headers["set-cookie"], undefined, "the case page sets no cookie");
  return {
    loginPage: Boolean(csrf?.secure),
    session: Boolean(cookieOf(login, SESSION_COOKIE)?.secure),
    csrf: Boolean(cookieOf(login, CSRF_COOKIE)?.secure),
    device: Boolean(cookieOf(login, DEVICE_COOKIE)?.secure),
  };
}

const all = (secure: boolean) => ({
  loginPage: secure,
  session: secure,
  csrf: secure,
  device: secure,
});

test("cookies are Secure over HTTPS, seen through a trusted proxy or named by PUBLIC_URL, and not over plain HTTP", async () => {
  assert.deepEqual(await secureFlags(node, {}), all(false), "plain HTTP");
  const behindProxy = await startTestApp(
    { LOGIN_RATE_LIMIT: "0", TRUST_PROXY: "1" },
    node.config.databaseUrl,
  );
  try {
    assert.deepEqual(
      await secureFlags(behindProxy, { "x-forwarded-proto": "https" }),
      all(true),
      "TLS at the proxy",
    );
    assert.deepEqual(await secureFlags(behindProxy, { "x-forwarded-proto": "http" }), all(false));
  } finally {
    await behindProxy.close();
  }
  // The forwarded protocol of an untrusted client is not believed.
  assert.deepEqual(await secureFlags(node, { "x-forwarded-proto": "https" }), all(false));
  const https = await startTestApp(
    { LOGIN_RATE_LIMIT: "0", PUBLIC_URL: "https://inkwell.example" },
    node.config.databaseUrl,
  );
  try {
    assert.deepEqual(await secureFlags(https, {}), all(true), "PUBLIC_URL is https");
  } finally {
    await https.close();
  }
});
