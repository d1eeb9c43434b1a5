import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { isOfficeUrl } from "../src/features/office/context.js";
import {
  type Fixtures,
  type MatrixUsers,
  makeMatrixFixtures,
  rows,
} from "../src/features/office/policy-matrix.fixtures.js";
import { createSession, SESSION_COOKIE } from "../src/features/office/sessions.js";
import { listen, startTestApp, type TestApp } from "./support/app.js";
import { bodies, type Hostile, paramVariants, queryVariants } from "./support/hostile.js";
import { LEVEL, LogLines } from "./support/logs.js";
import { csrfTokenOf } from "./support/office.js";

// Every route the app registers (its route list; the back office's with the real URLs of the
// policy matrix), every method, as an anonymous visitor and as an admin with a session and a
// valid CSRF token (so the bodies reach the handlers): a fixed set of hostile inputs — broken
// multipart, JSON and forms, wrong content types, huge and overlong values, NUL bytes, invalid
// percent-encoding and UTF-8, repeated keys, arrays for scalars, odd path parameters. Nothing
// may answer 5xx, nothing may be logged at error. Deterministic: the inputs are a fixed list.

let node: TestApp;
let base: string;
let users: MatrixUsers;
let fixtures: Fixtures;
const logs = new LogLines();

before(async () => {
  // The limits are on and nobody is exempt (no RATE_LIMIT_ALLOW), so the limiters see every
  // request too.
  node = await startTestApp({ ACTION_RATE_LIMIT: "60" }, undefined, { logs, logLevel: "info" });
  ({ users, fixtures } = await makeMatrixFixtures(node));
  base = await listen(node);
});
after(async () => node.close());

interface Target {
  method: string;
  route: string;
  url: string;
  params: Record<string, string>;
  body: string[];
  query: string[];
}

/** Real values for the public routes' path parameters, so a request gets past the router. */
function realParams(route: string, f: Fixtures): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of route.match(/:[A-Za-z]+|\*/g) ?? []) {
    const key = name.slice(1) || "*";
    if (key === "lang") values[key] = "es";
    else if (key === "slug") values[key] = route.startsWith("/api/") ? "w4r-2012" : "gao-zhisheng";
    else if (key === "campaign") values[key] = "w4r-2011";
    else if (key === "country") values[key] = "ES";
    else if (key === "id")
      values[key] = route.includes("/events/") ? f.eventA : "00000000-0000-7000-8000-000000000000";
    else if (key === "file") values[key] = "large.webp";
    // A /privacy link's token: well formed, naming no request.
    else if (key === "token") values[key] = "a".repeat(43);
    else if (name === "*") values["*"] = route.startsWith("/assets/") ? "site.css" : "index.html";
    else throw new Error(`no value for ${name} in ${route}`);
  }
  return values;
}

const fill = (route: string, params: Record<string, string>) =>
  route.replace(/:([A-Za-z]+)|\*/g, (whole, name: string | undefined) => params[name ?? "*"] ?? whole);

const propsOf = (schema: unknown): string[] =>
  Object.keys((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});

function targets(): Target[] {
  const list: Target[] = [];
  const seen = new Set<string>();
  for (const { method, url: route, schema } of node.app.routeList) {
    const name = `${method} ${route}`;
    if (seen.has(name)) continue;
    seen.add(name);
    const s = schema as { body?: unknown; querystring?: unknown } | undefined;
    if (isOfficeUrl(route)) {
      // The matrix has a real URL for every back-office route (its own test checks it).
      const row = rows.find((r) => r.method === method && r.route === route);
      assert.ok(row, `no policy-matrix row for ${name}`);
      const url = row.url(fixtures);
      const params: Record<string, string> = {};
      const names = route.split("/");
      const values = url.split("?")[0]?.split("/") ?? [];
      names.forEach((part, i) => {
        if (part.startsWith(":")) params[part.slice(1)] = values[i] ?? "";
      });
      list.push({ method, route, url, params, body: propsOf(s?.body), query: propsOf(s?.querystring) });
    } else {
      const params = realParams(route, fixtures);
      list.push({
        method,
        route,
        url: fill(route, params),
        params,
        body: propsOf(s?.body),
        query: propsOf(s?.querystring),
      });
    }
  }
  return list;
}

interface Client {
  name: string;
  cookie(): Promise<string>;
  csrf?: string;
}

async function clients(): Promise<Client[]> {
  // One CSRF secret and its token, from a page's form; a fresh session per request for the
  // admin, since some posts end it (log out, log out everywhere).
  const login = await node.app.inject({ method: "GET", url: "/office/login" });
  const secret = (login.cookies as { name: string; value: string }[]).find((c) => c.name === "_csrf");
  assert.ok(secret, "a CSRF cookie");
  const csrf = csrfTokenOf(login.body);
  return [
    { name: "anonymous", cookie: async () => "" },
    {
      name: "admin",
      csrf,
      cookie: async () =>
        `_csrf=${secret.value}; ${SESSION_COOKIE}=${await createSession(node.db.pool, users.admin.id)}`,
    },
  ];
}

/** The inputs for one route: path parameters, queries, and for a POST the bodies. */
function inputsFor(target: Target, csrf: string | undefined): Hostile[] {
  const inputs: Hostile[] = [];
  for (const params of paramVariants(target.params))
    inputs.push({ label: `path ${params.label}`, url: fill(target.route, params.values) });
  for (const query of queryVariants(target.query))
    inputs.push({ label: `query ${query.label}`, url: `${target.url.split("?")[0]}?${query.query}` });
  if (target.method === "POST")
    for (const body of bodies(target.body, csrf)) inputs.push({ ...body, url: target.url });
  return inputs;
}

function isStream(target: Target): boolean {
  return target.route.endsWith("/counter/stream");
}

/** The stream never ends: over a real socket, the status line is all that is read. */
function streamStatus(url: string, method: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${url}`, { method }, (response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    request.on("error", reject);
    request.end();
  });
}

/** One request of the fuzz: what went wrong with its answer, if anything. */
async function probe(client: Client, target: Target, input: Hostile): Promise<string | undefined> {
  const where = `${client.name} ${target.method} ${target.route} [${input.label}]`;
  if (isStream(target)) {
    const status = await streamStatus(input.url, target.method);
    return status >= 500 ? `${where}: ${status}` : undefined;
  }
  let response: LightMyRequestResponse;
  try {
    response = await node.app.inject({
      method: target.method as "GET",
      url: input.url,
      headers: { ...input.headers, cookie: await client.cookie() },
      ...(input.payload === undefined ? {} : { payload: input.payload }),
    });
  } catch (error) {
    return `${where}: the request failed: ${String(error)}`;
  }
  // Not being ready (a database check that took too long on a busy machine) is /readyz's answer.
  const ready = target.route === "/readyz" && response.statusCode === 503;
  if (response.statusCode >= 500 && !ready)
    return `${where}: ${response.statusCode} ${response.body.slice(0, 160)}`;
  const type = String(response.headers["content-type"]);
  if (
    target.route.startsWith("/api/v1/") &&
    response.statusCode >= 400 &&
    !type.startsWith("application/problem+json")
  )
    return `${where}: ${response.statusCode} as ${type}, not problem+json`;
  return undefined;
}

test("no route answers 5xx or logs an error, whatever it is sent", { timeout: 480_000 }, async () => {
  const started = Date.now();
  const all = targets();
  assert.ok(all.length > 80, `${all.length} routes`);
  const jobs: [Client, Target, Hostile][] = [];
  for (const client of await clients())
    for (const target of all)
      for (const input of inputsFor(target, client.csrf)) jobs.push([client, target, input]);
  // A few at a time, so one request's database round trips overlap another's rendering.
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [client, target, input] = jobs[next++] as [Client, Target, Hostile];
      const failure = await probe(client, target, input);
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: 2 }, worker));
  // A client's mistake is logged at info at most: nothing at warn, nothing at error.
  const errors = logs.atLeast(LEVEL.warn).map((l) => `${l.level} ${l.msg}: ${l.err?.message ?? ""}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: ${jobs.length} requests to ${all.length} routes in ${seconds} s; ${failures.length} failures`,
  );
  assert.deepEqual([...new Set(errors)], [], "log lines at warn or error");
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} responses were 5xx or not problems`);
});

/** Sends raw bytes on a new connection and returns what came back before it closed. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const port = Number(new URL(base).port);
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve(answer) : reject(error),
    );
    socket.setTimeout(10_000, () => socket.destroy());
    socket.end(bytes);
  });
}

const CHUNKED = [
  ["bad size", "zz\r\nabc\r\n0\r\n\r\n"],
  ["cut off", "5\r\nab"],
  ["longer than its size", "5\r\nabcdefgh\r\n0\r\n\r\n"],
  ["negative size", "-1\r\nabc\r\n"],
];

test("broken HTTP framing gets a 4xx (a 400 problem) on every POST route, and no error in the log", async () => {
  const before = logs.atLeast(LEVEL.error).length;
  const posts = targets().filter((t) => t.method === "POST");
  const wrong: string[] = [];
  let sent = 0;
  for (const target of posts) {
    for (const type of [
      "application/json",
      "application/x-www-form-urlencoded",
      `multipart/form-data; boundary=x`,
    ]) {
      for (const [label, body] of CHUNKED) {
        sent++;
        const answer = await raw(
          `POST ${target.url} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
        );
        // Node may drop the connection before a word is said. If it answers, it is a 4xx: a 400
        // problem from the parser, or the route's own refusal of the type (415) seen first.
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
        const problem = /content-type: application\/problem\+json/i.test(answer);
        const api = target.route.startsWith("/api/");
        if (
          answer !== "" &&
          (status < 400 || status >= 500 || (api && !problem) || (status === 400 && !problem))
        )
          wrong.push(`${target.route} ${type} [${label}]: ${answer.slice(0, 120)}`);
      }
    }
  }
  for (const [label, bytes, status] of [
    ["request line", "GARBAGE\r\n\r\n", 400],
    ["header without colon", "GET / HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n", 400],
    ["headers too large", `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
    [
      "both lengths",
      "POST /api/v1/actions HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
    ],
  ] as const) {
    sent++;
    const answer = await raw(bytes);
    if (!answer.startsWith(`HTTP/1.1 ${status} `) || !/application\/problem\+json/.test(answer))
      wrong.push(`${label}: ${answer.slice(0, 120)}`);
  }
  console.log(`framing: ${sent} malformed requests on ${posts.length} POST routes`);
  assert.deepEqual(wrong, []);
  const errors = logs.atLeast(LEVEL.error).slice(before);
  assert.deepEqual(
    errors.map((l) => `${l.msg}: ${l.err?.message ?? ""}`),
    [],
    "error-level log lines (the rate limiter once threw a TypeError here)",
  );
});
