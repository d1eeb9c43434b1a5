import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeEvent } from "../../../test/support/events.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { routeNames } from "../../platform/http/route-list.js";
import { isOfficeUrl } from "./context.js";
import { ACTORS, type Actor, type Answer, type Fixtures, rows } from "./policy-matrix.fixtures.js";
import type { UserRow } from "./users.js";

// Every back-office route (the rows are in policy-matrix.fixtures.ts) × every role × own/other
// section, language or event, with the answer each must get: "ok" (past the guard: a page, a redirect, or a 4xx about the input), 403 (the
// role can never do this), 404 (private to someone else), "login" (no session: to the login
// page, or 401 for a form). A 5xx is wrong whatever the row says. A route added without a row
// here fails the last test.

let node: TestApp;
let users: Record<Exclude<Actor, "anonymous">, UserRow>;
let fixtures: Fixtures;

before(async () => {
  node = await startTestApp({ LOGIN_RATE_LIMIT: "0" });
  const pool = node.db.pool;
  users = {
    admin: await makeUser(node, "admin"),
    coordinatorOwn: await makeUser(node, "coordinator", { countries: ["ES"] }),
    coordinatorOther: await makeUser(node, "coordinator", { countries: ["FR"] }),
    translatorOwn: await makeUser(node, "translator", { languages: ["es"] }),
    translatorOther: await makeUser(node, "translator", { languages: ["fr"] }),
    organizerOwn: await makeUser(node, "organizer", { countries: ["ES"] }),
    organizerOther: await makeUser(node, "organizer", { countries: ["ES"] }),
  };
  const campaign = node.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  const caseId = campaign.cases.get("gao-zhisheng") as number;
  const eventA = await makeEvent(node, {
    organizerId: users.organizerOwn.id,
    campaignId: campaign.id,
    title: "Letters at the library",
    startsAt: new Date(Date.now() + 86_400_000),
  });
  const reportA = randomUUID();
  await pool.query(
    `INSERT INTO reports (id, campaign_id, case_id, type, country, quantity, occurred_on, event_id, reported_by)
     VALUES ($1, $2, $3, 'letter', 'ES', 40, current_date, $4, $5)`,
    [reportA, campaign.id, caseId, eventA, users.organizerOwn.id],
  );
  const messageEs = randomUUID();
  await pool.query(
    `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author, country, language, body)
     VALUES ($1, $2, $3, $4, 'Lucía', 'ES', 'es', 'Fuerza')`,
    [messageEs, campaign.id, caseId, `form:${messageEs}`],
  );
  // A pending import of the own organizer, made through the upload it belongs to.
  const uploader = await officeClient(node, users.organizerOwn);
  const preview = await uploader.postMultipart(
    "/office/reports/import",
    {},
    {
      field: "file",
      filename: "reports.csv",
      contentType: "text/csv",
      data: Buffer.from(
        `case,type,country,date,quantity,event\ngao-zhisheng,letter,ES,${new Date().toISOString().slice(0, 10)},5,${eventA}\n`,
      ),
    },
  );
  const importA = /name="import" value="([^"]+)"/.exec(preview.body)?.[1];
  assert.ok(importA, `the preview offers to import: ${preview.statusCode}`);
  fixtures = {
    caseId,
    sectionEs: node.runtime.sectionOf("ES") as number,
    eventA,
    reportA,
    messageEs,
    userId: users.organizerOther.id,
    importA,
    loginEmail: users.organizerOther.email,
  };
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
