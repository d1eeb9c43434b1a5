import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { officeClient } from "../../../test/support/office.js";
import { routeNames } from "../../platform/http/route-list.js";
import { isOfficeUrl } from "./context.js";
import {
  ACTORS,
  type Answer,
  type Fixtures,
  type MatrixUsers,
  makeMatrixFixtures,
  rows,
} from "./policy-matrix.fixtures.js";

// Every back-office route (the rows are in policy-matrix.fixtures.ts) × every role × own/other
// section, language or event, with the answer each must get: "ok" (past the guard: a page, a redirect, or a 4xx about the input), 403 (the
// role can never do this), 404 (private to someone else), "login" (no session: to the login
// page, or 401 for a form). A 5xx is wrong whatever the row says. A route added without a row
// here fails the last test.

let node: TestApp;
let users: MatrixUsers;
let fixtures: Fixtures;

before(async () => {
  node = await startTestApp({ LOGIN_RATE_LIMIT: "0" });
  ({ users, fixtures } = await makeMatrixFixtures(node));
});
after(async () => node.close());

function classify(response: LightMyRequestResponse): Answer {
  if (response.statusCode === 401) return "login";
  if (response.statusCode === 303 && String(response.headers.location).startsWith("/office/login?next="))
    return "login";
  if (response.statusCode === 403) return 403;
  if (response.statusCode === 404) return 404;
  return "ok";
}

test("every back-office route answers every role as its policy says", async () => {
  const wrong: string[] = [];
  for (const row of rows) {
    for (const actor of ACTORS) {
      const client = await officeClient(node, actor === "anonymous" ? undefined : users[actor]);
      const url = row.url(fixtures);
      const response =
        row.method === "GET" ? await client.get(url) : await client.post(url, row.form?.(fixtures) ?? {});
      const got = classify(response);
      if (response.statusCode >= 500) {
        wrong.push(`${row.method} ${url} as ${actor}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      } else if (got !== row.answers[actor]) {
        wrong.push(
          `${row.method} ${url} as ${actor}: expected ${row.answers[actor]}, got ${got} (${response.statusCode})`,
        );
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test("the matrix covers every back-office route", () => {
  const covered = new Set(rows.map((r) => `${r.method} ${r.route}`));
  const officeRoutes = routeNames(node.app, isOfficeUrl);
  const missing = officeRoutes.filter((route) => !covered.has(route));
  assert.deepEqual(missing, [], "routes without a row in the policy matrix");
  const stale = [...covered].filter((route) => !officeRoutes.includes(route));
  assert.deepEqual(stale, [], "rows for routes that do not exist");
});
