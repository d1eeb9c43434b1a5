import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { crossOriginProtection, originOf } from "./cross-origin.js";
import { Problem, sendProblem } from "./problems.js";

// The cross-origin check's rules, one request each (the forms behind it: src/features/acting
// and src/features/events tests; a real browser: test/browser/cross-site.test.ts).

let app: FastifyInstance;
let posts = 0;
before(async () => {
  app = Fastify();
  app.setErrorHandler((error, _request, reply) =>
    error instanceof Problem ? sendProblem(reply, error) : reply.code(500).send(),
  );
  app.addHook("onRequest", crossOriginProtection({ trustedOrigins: ["https://act.example.org"] }));
  app.get("/form", async () => "the form");
  app.post("/form", async () => {
    posts++;
    return "counted";
  });
  await app.ready();
});
after(() => app.close());

const post = (headers: Record<string, string>, host = "inkwell.test:3000") =>
  app.inject({ method: "POST", url: "/form", headers: { host, ...headers }, payload: "" });

const cases: [string, Record<string, string>, number, string?][] = [
  ["same-origin (our own page)", { "sec-fetch-site": "same-origin" }, 200],
  ["none (the address bar, a bookmark)", { "sec-fetch-site": "none" }, 200],
  ["cross-site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }, 403],
  [
    "same-site (a sibling subdomain)",
    { "sec-fetch-site": "same-site", origin: "http://x.inkwell.test" },
    403,
  ],
  [
    "cross-site whatever the Origin says",
    { "sec-fetch-site": "cross-site", origin: "http://inkwell.test:3000" },
    403,
  ],
  [
    "a trusted origin, even cross-site",
    { "sec-fetch-site": "cross-site", origin: "https://act.example.org" },
    200,
  ],
  ["an unknown Sec-Fetch-Site value", { "sec-fetch-site": "nonsense" }, 403],
  ["no Sec-Fetch-Site, Origin is this host", { origin: "http://inkwell.test:3000" }, 200],
  ["no Sec-Fetch-Site, Origin of another site", { origin: "https://evil.example" }, 403],
  ["no Sec-Fetch-Site, Origin of another port", { origin: "http://inkwell.test:4000" }, 403],
  ["no Sec-Fetch-Site, Origin of another scheme", { origin: "https://inkwell.test:3000" }, 403],
  ["no Sec-Fetch-Site, an opaque Origin", { origin: "null" }, 403],
  ["no Sec-Fetch-Site, Origin is not a URL", { origin: "::::" }, 403],
  ["no Sec-Fetch-Site, PUBLIC_URL's origin (a proxy in front)", { origin: "https://act.example.org" }, 200],
  ["neither header (curl, a server, an old browser)", {}, 200],
];

for (const [what, headers, status] of cases) {
  test(`a post: ${what} → ${status}`, async () => {
    const before = posts;
    const answer = await post(headers);
    assert.equal(answer.statusCode, status);
    assert.equal(posts - before, status === 200 ? 1 : 0, "the handler ran only when the post passed");
    if (status === 403) assert.equal(answer.json().code, "cross_site_form");
  });
}

test("the default port is the same origin, written or not", async () => {
  assert.equal((await post({ origin: "http://inkwell.test" }, "inkwell.test:80")).statusCode, 200);
  assert.equal((await post({ origin: "http://inkwell.test:80" }, "inkwell.test")).statusCode, 200);
});

test("reading is never refused, from anywhere", async () => {
  const answer = await app.inject({
    method: "GET",
    url: "/form",
    headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
  });
  assert.equal(answer.statusCode, 200);
});

test("origins are compared by scheme, host and port only", () => {
  assert.equal(originOf("https://Act.Example.org/path?q"), "https://act.example.org");
  assert.equal(originOf("https://act.example.org:443"), "https://act.example.org");
  assert.equal(originOf("null"), undefined);
  assert.equal(originOf("not a url"), undefined);
});
