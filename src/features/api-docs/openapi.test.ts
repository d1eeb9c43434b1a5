import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { routeNames } from "../../platform/http/route-list.js";
import { documented } from "./openapi.js";

let t: TestApp;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
  components: { schemas: Record<string, unknown> };
};
before(async () => {
  t = await startTestApp();
  const response = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /application\/json/);
  doc = response.json();
});
after(async () => {
  await t.close();
});

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
/** Fastify's /a/:slug is OpenAPI's /a/{slug}. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

test("the document is valid OpenAPI 3.1", async () => {
  assert.equal(doc.openapi, "3.1.0");
  const result = await new Validator().validate(doc as never);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
});

test("every /api/ route is in the document, and nothing else is", () => {
  // CORS preflights (OPTIONS) are not operations of the API; the docs serve the document.
  const routes = routeNames(t.app, (url) => url.startsWith("/api/"))
    .filter((r) => !r.startsWith("OPTIONS ") && documented(r.split(" ")[1] ?? ""))
    .map((r) => {
      const [method, url] = r.split(" ");
      return `${method} ${openapiPath(url ?? "")}`;
    });
  assert.ok(routes.length >= 6, routes.join("\n"));
  const ops = operations();
  assert.deepEqual(
    routes.filter((r) => !ops.includes(r)),
    [],
    "routes missing from the document",
  );
  assert.deepEqual(
    ops.filter((o) => !routes.includes(o)),
    [],
    "operations that are not /api/ routes",
  );
  for (const path of Object.keys(doc.paths)) assert.ok(path.startsWith("/api/v1/"), path);
});

test("every operation has a success answer and problem+json error answers", () => {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const statuses = Object.keys(op.responses);
      assert.ok(
        statuses.some((s) => s.startsWith("2")),
        `${method} ${path} has no success answer`,
      );
      const errors = statuses.filter((s) => /^[45]/.test(s));
      assert.ok(errors.length > 0, `${method} ${path} has no error answer`);
      for (const s of errors) {
        const content = op.responses[s]?.content ?? {};
        assert.deepEqual(Object.keys(content), ["application/problem+json"], `${method} ${path} ${s}`);
        assert.deepEqual(
          content["application/problem+json"],
          { schema: { $ref: "#/components/schemas/Problem" } },
          `${method} ${path} ${s} refers to the shared Problem`,
        );
      }
    }
  }
  assert.ok(doc.components.schemas.Problem, "the Problem schema is a component");
  const stream = doc.paths["/api/v1/campaigns/{slug}/counter/stream"]?.get?.responses["200"];
  assert.ok(stream?.content?.["text/event-stream"], "the stream is text/event-stream");
});

test("docs/API.md names every operation of the document, and no other /api/ endpoint", () => {
  const md = readFileSync(new URL("../../../docs/API.md", import.meta.url), "utf8");
  // Endpoints are the headings "## METHOD /path" (several may share one, with ", ").
  const documentedInMd = [...md.matchAll(/^#{2,3} (.+)$/gm)].flatMap((m) =>
    (m[1] ?? "")
      .split(/,\s*/)
      .map((e) => /^(GET|POST|PUT|PATCH|DELETE) (\/\S+?)(\?.*)?$/.exec(e.trim()))
      .filter((e): e is RegExpExecArray => e !== null)
      .map((e) => `${e[1]} ${openapiPath(e[2] ?? "")}`),
  );
  const ops = operations().filter((o) => !o.startsWith("OPTIONS "));
  assert.deepEqual(
    ops.filter((o) => !documentedInMd.includes(o)),
    [],
    "operations missing from docs/API.md",
  );
  const apiInMd = documentedInMd.filter((e) => documented(e.split(" ")[1] ?? ""));
  assert.deepEqual(
    apiInMd.filter((e) => !ops.includes(e)),
    [],
    "endpoints in docs/API.md that the document does not have",
  );
  assert.ok(md.includes("/api/openapi.json") && md.includes("/api/docs"));
});

test("the reference at /api/docs is served from this origin only", async () => {
  const page = await t.app.inject({ method: "GET", url: "/api/docs" });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers["content-type"]), /text\/html/);
  assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
  const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
  assert.ok(refs.length >= 4, page.body);
  for (const ref of refs) {
    assert.ok(ref.startsWith("/api/docs/"), `${ref} is not a local asset`);
    const asset = await t.app.inject({ method: "GET", url: ref });
    assert.equal(asset.statusCode, 200, ref);
  }
  assert.doesNotMatch(page.body, /https?:\/\//);
  const init = await t.app.inject({ method: "GET", url: "/api/docs/static/swagger-initializer.js" });
  assert.match(init.body, /validatorUrl: null/);
  assert.equal((await t.app.inject({ method: "GET", url: "/api/docs/json" })).json().openapi, "3.1.0");
  const missing = await t.app.inject({ method: "GET", url: "/api/docs/static/nothing.js" });
  assert.equal(missing.statusCode, 404);
  assert.match(String(missing.headers["content-type"]), /application\/problem\+json/);
});
