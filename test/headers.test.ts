import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { createSession, SESSION_COOKIE } from "../src/features/office/sessions.js";
import { HSTS } from "../src/platform/http/security-headers.js";
import { listen, startTestApp, type TestApp } from "./support/app.js";
import { makeEvent } from "./support/events.js";
import { makeUser } from "./support/office.js";

// The security headers of every kind of answer, read off real HTTP responses (rawHeaders), so a
// header written twice — say by a feature and by the site-wide plugin — is seen as two.

let t: TestApp;
let base: string;
let staffCookie: string;
let eventId: string;

before(async () => {
  t = await startTestApp();
  base = await listen(t);
  const admin = await makeUser(t, "admin");
  staffCookie = `${SESSION_COOKIE}=${await createSession(t.db.pool, admin.id)}`;
  eventId = await makeEvent(t, { organizerId: (await makeUser(t, "organizer")).id });
});
after(async () => t.close());

interface Answer {
  status: number;
  type: string;
  /** Every value of each header name, in the order sent. */
  headers: Map<string, string[]>;
}

/** A request over a real connection; for streams, the answer ends as soon as its headers arrive. */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const all = new Map<string, string[]>();
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = (res.rawHeaders[i] ?? "").toLowerCase();
        all.set(name, [...(all.get(name) ?? []), res.rawHeaders[i + 1] ?? ""]);
      }
      resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), headers: all });
      res.destroy();
    });
    req.on("error", reject);
    req.end(body);
  });
}
const get = (path: string, headers: Record<string, string> = {}) => send("GET", path, headers);

const one = (answer: Answer, name: string): string | undefined => {
  const values = answer.headers.get(name) ?? [];
  assert.ok(values.length <= 1, `${name} is sent ${values.length} times: ${values.join(" | ")}`);
  return values[0];
};

/** The CSP's directives by name; fails unless there is exactly one policy. */
function policyOf(answer: Answer, what: string): Map<string, string[]> {
  const csp = one(answer, "content-security-policy");
  assert.ok(csp, `${what} has a Content-Security-Policy`);
  const directives = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    assert.ok(!directives.has(name), `${what}: ${name} appears twice`);
    directives.set(name, values);
  }
  return directives;
}

/** What every answer carries, whatever it is. */
function assertBasics(answer: Answer, what: string, referrer = "strict-origin-when-cross-origin") {
  assert.equal(one(answer, "x-content-type-options"), "nosniff", `${what}: nosniff`);
  assert.equal(one(answer, "referrer-policy"), referrer, `${what}: referrer policy`);
  assert.equal(one(answer, "strict-transport-security"), undefined, `${what}: no HSTS over plain HTTP`);
}

/** A page of the site or the back office: the strict policy, never framed. */
function assertStrictPage(answer: Answer, what: string, referrer?: string) {
  assert.match(answer.type, /^text\/html/, `${what} is a page`);
  assertBasics(answer, what, referrer);
  const csp = policyOf(answer, what);
  assert.deepEqual(csp.get("default-src"), ["'self'"], what);
  assert.deepEqual(csp.get("script-src"), ["'self'"], `${what}: scripts from this origin only`);
  assert.deepEqual(csp.get("script-src-attr"), ["'none'"], `${what}: no event handler attributes`);
  assert.deepEqual(csp.get("style-src"), ["'self'"], `${what}: no inline style`);
  assert.deepEqual(csp.get("img-src"), ["'self'"], what);
  assert.deepEqual(csp.get("object-src"), ["'none'"], what);
  assert.deepEqual(csp.get("base-uri"), ["'self'"], what);
  assert.deepEqual(csp.get("form-action"), ["'self'"], what);
  assert.deepEqual(csp.get("frame-ancestors"), ["'none'"], `${what}: never framed`);
  assert.ok(!csp.has("upgrade-insecure-requests"), `${what}: assets stay reachable over plain HTTP`);
  assert.equal(one(answer, "x-frame-options"), "DENY", `${what}: X-Frame-Options for old browsers`);
}

describe("every page kind has the strict policy", () => {
  const pages: Array<[string, string, number]> = [
    ["the home page", "/", 200],
    ["the home page in a language", "/es", 200],
    ["a case page (with its forms)", "/en/cases/gao-zhisheng", 200],
    ["a section page", "/en/s/PL", 200],
    ["the events list (with its map)", "/en/events", 200],
    ["the not-found page", "/en/no-such-page", 404],
    ["a problem page (an unknown case)", "/en/cases/no-such-case", 404],
    // The router answers these before any hook runs.
    ["an address the router cannot read", "/en/cases/%E0%A4%A", 404],
  ];
  for (const [what, path, status] of pages) {
    test(what, async () => {
      const answer = await get(path);
      assert.equal(answer.status, status, path);
      assertStrictPage(answer, what);
    });
  }

  test("a refused form (posted from another site): the short page in the reader's language", async () => {
    const form = {
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "cross-site",
      origin: "https://evil.example",
    };
    const answer = await send("POST", "/en/cases/gao-zhisheng/sign", form, "name=A&email=a%40example.org");
    assert.equal(answer.status, 403);
    assertStrictPage(answer, "a refused form");
  });

  test("an event page (with its RSVP form)", async () => {
    const answer = await get(`/en/events/${eventId}`);
    assert.equal(answer.status, 200);
    assertStrictPage(answer, "an event page");
  });

  // The back office keeps its stricter no-referrer: its URLs may hold one-time tokens.
  const office: Array<[string, string, number, boolean]> = [
    ["the office login page", "/office/login", 200, false],
    ["the office dashboard, signed in", "/office", 200, true],
    ["an office form, signed in", "/office/cases/new", 200, true],
    ["the office not-found page, signed in", "/office/no-such-page", 404, true],
    ["the office not-found page, signed out", "/office/no-such-page", 404, false],
    ["an office address the router cannot read", "/office/cases/%E0%A4%A", 400, false],
  ];
  for (const [what, path, status, signedIn] of office) {
    test(what, async () => {
      const answer = await get(path, signedIn ? { cookie: staffCookie } : {});
      assert.equal(answer.status, status, path);
      assertStrictPage(answer, what, "no-referrer");
      assert.equal(one(answer, "cache-control"), "private, no-store");
    });
  }
});

describe("the exceptions", () => {
  test("the embed may be framed by any site, and still runs only its own script", async () => {
    for (const path of ["/embed/counter", "/embed/counter?country=KE&lang=ar", "/embed/counter?lang=xx"]) {
      const answer = await get(path);
      assert.equal(answer.status, path.endsWith("xx") ? 400 : 200, path);
      assertBasics(answer, path);
      assert.equal(one(answer, "x-frame-options"), undefined, `${path}: no X-Frame-Options`);
      const csp = policyOf(answer, path);
      assert.deepEqual(csp.get("frame-ancestors"), ["*"], path);
      assert.deepEqual(csp.get("default-src"), ["'none'"], path);
      assert.deepEqual(csp.get("script-src"), ["'self'"], path);
      assert.deepEqual(csp.get("connect-src"), ["'self'"], path);
      // Its one inline style is allowed by its hash, nothing else inline.
      assert.match((csp.get("style-src") ?? []).join(" "), /^'sha256-[A-Za-z0-9+/]+=*'$/, path);
      assert.deepEqual(csp.get("form-action"), ["'none'"], path);
      // Partner pages that require CORP of what they embed can still frame it.
      assert.equal(one(answer, "cross-origin-resource-policy"), "cross-origin", path);
    }
  });

  test("the API reference keeps the policy swagger-ui needs, and is not framed either", async () => {
    const answer = await get("/api/docs");
    assert.equal(answer.status, 200);
    assertBasics(answer, "/api/docs");
    assert.equal(one(answer, "x-frame-options"), "DENY");
    const csp = policyOf(answer, "/api/docs");
    assert.deepEqual(csp.get("script-src"), ["'self'"]);
    assert.deepEqual(csp.get("style-src"), ["'self'", "'unsafe-inline'"], "swagger-ui styles inline");
    assert.deepEqual(csp.get("frame-ancestors"), ["'none'"]);
    const asset = await get("/api/docs/static/swagger-ui-bundle.js");
    assert.equal(asset.status, 200);
    assertBasics(asset, "swagger-ui's script");
  });
});

describe("answers that are not pages", () => {
  test("API JSON, a problem, assets and the stream: nosniff and the referrer policy, framing refused", async () => {
    const answers: Array<[string, string, number]> = [
      ["the counter JSON", "/api/v1/campaigns/w4r-2012/counter", 200],
      ["a JSON problem", "/api/v1/campaigns/no-such-edition/counter", 404],
      ["the stylesheet", "/assets/site.css", 200],
      ["the script", "/assets/live.js", 200],
      ["the OpenAPI document", "/api/openapi.json", 200],
      ["the health check", "/healthz", 200],
      ["the counter stream", "/api/v1/campaigns/w4r-2012/counter/stream", 200],
    ];
    for (const [what, path, status] of answers) {
      const answer = await get(path);
      assert.equal(answer.status, status, path);
      assertBasics(answer, what);
      assert.equal(one(answer, "x-frame-options"), "DENY", what);
      assert.deepEqual(policyOf(answer, what).get("frame-ancestors"), ["'none'"], what);
    }
    // The public reads stay open to other sites' pages: CORS, which CORP does not restrict.
    const counter = await get("/api/v1/campaigns/w4r-2012/counter", { origin: "https://partner.example" });
    assert.equal(one(counter, "access-control-allow-origin"), "*");
  });

  test("the letter PDF carries no page policy (it would apply to the browser's PDF viewer)", async () => {
    const answer = await t.app.inject({
      method: "POST",
      url: "/en/cases/gao-zhisheng/letter.pdf",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ body: "Release him." }).toString(),
    });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers["content-type"], "application/pdf");
    assert.equal(answer.headers["content-security-policy"], undefined);
    assert.equal(answer.headers["x-content-type-options"], "nosniff");
    assert.equal(answer.headers["x-frame-options"], "DENY");
    // Its refusal is a page again, with the policy.
    const refused = await t.app.inject({
      method: "POST",
      url: "/en/cases/gao-zhisheng/letter.pdf",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "body=",
    });
    assert.equal(refused.statusCode, 422);
    assert.match(String(refused.headers["content-security-policy"]), /frame-ancestors 'none'/);
  });
});

describe("HSTS", () => {
  test("is not sent when a client that is no trusted proxy claims https", async () => {
    const answer = await get("/", { "x-forwarded-proto": "https" });
    assert.equal(one(answer, "strict-transport-security"), undefined);
  });

  test("is sent on every answer when a trusted proxy says the request came over https", async () => {
    // One trusted hop: the test's own connection (loopback) is the proxy.
    const proxied = await startTestApp({ TRUST_PROXY: "1" });
    try {
      for (const url of ["/", "/api/v1/campaigns/w4r-2012/counter", "/assets/site.css", "/office/login"]) {
        const https = await proxied.app.inject({
          method: "GET",
          url,
          headers: { "x-forwarded-proto": "https" },
        });
        assert.equal(https.statusCode, 200, url);
        assert.equal(https.headers["strict-transport-security"], HSTS, url);
        const http = await proxied.app.inject({
          method: "GET",
          url,
          headers: { "x-forwarded-proto": "http" },
        });
        assert.equal(http.headers["strict-transport-security"], undefined, url);
      }
    } finally {
      await proxied.close();
    }
  });
});
