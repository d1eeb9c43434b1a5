import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "./support/app.js";

// Every route says what it takes and what it answers, in one TypeBox schema: its path
// parameters, its body when it takes one, and its responses. Routes that a plugin serves from
// files (assets, the API reference's own) are the plugins' business.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const servedByPlugins = (url: string) => url.startsWith("/assets/") || url.startsWith("/api/docs");

test("every route declares its parameters, its body and its responses", () => {
  const routes = t.app.routeList.filter((r) => !servedByPlugins(r.url) && r.method !== "OPTIONS");
  assert.ok(routes.length > 80, `${routes.length} routes`);
  const missing: string[] = [];
  for (const { method, url, schema } of routes) {
    const name = `${method} ${url}`;
    if (!schema?.response) missing.push(`${name}: response`);
    if (url.includes("/:") && !schema?.params) missing.push(`${name}: params`);
    if (["POST", "PUT", "PATCH"].includes(method) && !schema?.body) missing.push(`${name}: body`);
  }
  assert.deepEqual(missing, []);
});
