import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { createSession, SESSION_COOKIE } from "../src/features/office/sessions.js";
import { listen, startTestApp, type TestApp } from "./support/app.js";
import { makeUser } from "./support/office.js";

// Every route says what it takes and what it answers, in one TypeBox schema: its path
// parameters, its body when it takes one, and its responses. Routes that a plugin serves from
// files (assets, the API reference's own) are the plugins' business.

let t: TestApp;
let base: string;
before(async () => {
  t = await startTestApp();
  base = await listen(t);
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

interface Answer {
  status: number;
  bodyBytes: number;
}

/**
 * One request over a real connection. A GET of a stream is cut after its first bytes; anything
 * that does not end within the time given is an error, which is how a hanging HEAD shows.
 */
function ask(method: "GET" | "HEAD", path: string, cookie: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers: { cookie }, agent: false }, (res) => {
      let bodyBytes = 0;
      const streaming = String(res.headers["content-type"]).startsWith("text/event-stream");
      res.on("data", (chunk: Buffer) => {
        bodyBytes += chunk.length;
        if (method === "GET" && streaming) {
          request.destroy();
          resolve({ status: res.statusCode ?? 0, bodyBytes });
        }
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bodyBytes }));
    });
    request.setTimeout(5000, () => request.destroy(new Error(`${method} ${path} did not end within 5 s`)));
    request.on("error", reject);
    request.end();
  });
}

/** A real value for each path parameter, so most routes answer 200 rather than 404. */
async function samples(): Promise<(url: string) => string> {
  const one = async (sql: string) => String((await t.db.pool.query(sql)).rows[0]?.id ?? "0");
  const values: Record<string, string> = {
    campaign: "w4r-2012",
    lang: "es",
    country: "PL",
    language: "es",
    token: "not-a-token",
    file: "400.webp",
  };
  const ids: Record<string, string> = {
    "/events/": await one("SELECT id FROM events ORDER BY starts_at LIMIT 1"),
    "/office/events/": await one("SELECT id FROM events ORDER BY starts_at LIMIT 1"),
    "/office/users/": await one("SELECT id FROM users ORDER BY id LIMIT 1"),
    "/office/cases/": await one("SELECT id FROM cases ORDER BY id LIMIT 1"),
    "/office/sections/": await one("SELECT id FROM sections ORDER BY id LIMIT 1"),
    "/office/reports/": await one("SELECT id FROM reports LIMIT 1"),
    "/photos/": await one("SELECT id FROM case_photos LIMIT 1"),
    "/office/translations/": await one("SELECT id FROM cases ORDER BY id LIMIT 1"),
  };
  return (url) =>
    url.replace(/:(\w+)|\*/g, (whole, name: string | undefined, offset: number) => {
      const before = url.slice(0, offset);
      if (whole === "*") return before.startsWith("/assets/") ? "live.js" : "index.css";
      if (name === "slug") return before.endsWith("/cases/") ? "gao-zhisheng" : "w4r-2012";
      if (name === "id" || name === "caseId") {
        const key = Object.keys(ids).find((prefix) => before.endsWith(prefix));
        return key ? (ids[key] ?? "0") : "0";
      }
      return values[name ?? ""] ?? "x";
    });
}

test("every GET route answers HEAD with the same status, no body, and ends", {
  timeout: 90_000,
}, async () => {
  const admin = await makeUser(t, "admin");
  const signedIn = `${SESSION_COOKIE}=${await createSession(t.db.pool, admin.id)}`;
  const pathOf = await samples();
  const gets = t.app.routeList.filter((r) => r.method === "GET");
  assert.ok(gets.length > 50, `${gets.length} GET routes`);
  const differences: string[] = [];
  let ok = 0;
  for (const { url } of gets) {
    const path = pathOf(url);
    for (const [who, cookie] of [
      ["anonymous", ""],
      ["admin", signedIn],
    ] as const) {
      const get = await ask("GET", path, cookie);
      const head = await ask("HEAD", path, cookie);
      if (get.status < 400) ok++;
      if (head.status !== get.status || head.bodyBytes !== 0)
        differences.push(
          `${who} ${path}: GET ${get.status}, HEAD ${head.status} with ${head.bodyBytes} bytes`,
        );
    }
  }
  assert.deepEqual(differences, []);
  // The samples reach the routes' real answers, not only their 404s.
  assert.ok(ok > gets.length, `${ok} of ${gets.length * 2} GETs answered below 400`);
});
