import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { TestApp } from "../../../test/support/app.js";
import { makeEvent } from "../../../test/support/events.js";
import { makeUser, officeClient, TEST_PASSWORD } from "../../../test/support/office.js";
import type { UserRow } from "./users.js";

// The rows of the policy matrix (policy-matrix.test.ts): every back-office route with the answer
// each actor must get.

export type Answer = "ok" | 403 | 404 | "login";
export const ACTORS = [
  "anonymous",
  "admin",
  "coordinatorOwn",
  "coordinatorOther",
  "translatorOwn",
  "translatorOther",
  "organizerOwn",
  "organizerOther",
] as const;
export type Actor = (typeof ACTORS)[number];

export interface Fixtures {
  caseId: number;
  sectionEs: number;
  eventA: string;
  reportA: string;
  messageEs: string;
  userId: number;
  importA: string;
  loginEmail: string;
  /** A finished invalidation job (it took nothing out). */
  jobA: number;
}

export interface Row {
  method: "GET" | "POST";
  route: string;
  url: (f: Fixtures) => string;
  form?: (f: Fixtures) => Record<string, string | string[]>;
  answers: Record<Actor, Answer>;
}

// Shorthands for the common shapes of a row.
const everyone: Record<Actor, Answer> = {
  anonymous: "ok",
  admin: "ok",
  coordinatorOwn: "ok",
  coordinatorOther: "ok",
  translatorOwn: "ok",
  translatorOther: "ok",
  organizerOwn: "ok",
  organizerOther: "ok",
};
const signedIn = { ...everyone, anonymous: "login" } as Record<Actor, Answer>;
const only = (...allowed: Actor[]): Record<Actor, Answer> =>
  Object.fromEntries(
    ACTORS.map((a) => [a, a === "anonymous" ? "login" : allowed.includes(a) ? "ok" : 403]),
  ) as Record<Actor, Answer>;
const adminOnly = only("admin");
/** An edition's texts: admins, and the translators into the language. */
const translators = only("admin", "translatorOwn", "translatorOther");
const coordinators = only("admin", "coordinatorOwn", "coordinatorOther");
/** Translators write translations; coordinators review those into their sections' languages. */
const reviewers = only("admin", "translatorOwn", "translatorOther", "coordinatorOwn", "coordinatorOther");
const runners = only("admin", "coordinatorOwn", "coordinatorOther", "organizerOwn", "organizerOther");
/** The own section's coordinator or the event's organizer; the others of the same role get 404. */
const ownEvent: Record<Actor, Answer> = { ...runners, coordinatorOther: 404, organizerOther: 404 };

const publicLink = Object.fromEntries(ACTORS.map((a) => [a, 404])) as Record<Actor, Answer>;

export const rows: Row[] = [
  { method: "GET", route: "/office/login", url: () => "/office/login", answers: everyone },
  {
    method: "POST",
    route: "/office/login",
    url: () => "/office/login",
    // Anyone may try to log in; these are good credentials, so everyone gets in.
    form: (f) => ({ email: f.loginEmail, password: TEST_PASSWORD }),
    answers: everyone,
  },
  { method: "POST", route: "/office/logout", url: () => "/office/logout", answers: signedIn },
  {
    method: "POST",
    route: "/office/logout-everywhere",
    url: () => "/office/logout-everywhere",
    answers: signedIn,
  },
  {
    method: "POST",
    route: "/office/account/language",
    url: () => "/office/account/language",
    form: () => ({ locale: "es" }),
    answers: signedIn,
  },
  { method: "GET", route: "/office/reset", url: () => "/office/reset", answers: everyone },
  {
    method: "POST",
    route: "/office/reset",
    url: () => "/office/reset",
    form: () => ({ email: "nobody@example.org" }),
    answers: everyone,
  },
  {
    method: "GET",
    route: "/office/reset/:token",
    url: () => `/office/reset/${"a".repeat(43)}`,
    answers: publicLink,
  },
  {
    method: "POST",
    route: "/office/reset/:token",
    url: () => `/office/reset/${"a".repeat(43)}`,
    answers: publicLink,
  },
  {
    method: "GET",
    route: "/office/invite/:token",
    url: () => `/office/invite/${"a".repeat(43)}`,
    answers: publicLink,
  },
  {
    method: "POST",
    route: "/office/invite/:token",
    url: () => `/office/invite/${"a".repeat(43)}`,
    answers: publicLink,
  },
  { method: "GET", route: "/office", url: () => "/office", answers: signedIn },
  { method: "GET", route: "/office/users", url: () => "/office/users", answers: adminOnly },
  { method: "GET", route: "/office/users/new", url: () => "/office/users/new", answers: adminOnly },
  {
    method: "POST",
    route: "/office/users",
    url: () => "/office/users",
    form: () => ({ email: "bad" }),
    answers: adminOnly,
  },
  { method: "GET", route: "/office/users/:id", url: (f) => `/office/users/${f.userId}`, answers: adminOnly },
  {
    method: "POST",
    route: "/office/users/:id",
    url: (f) => `/office/users/${f.userId}`,
    form: () => ({ role: "nope" }),
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/users/:id/invite",
    url: (f) => `/office/users/${f.userId}/invite`,
    answers: adminOnly,
  },
  { method: "GET", route: "/office/audit", url: () => "/office/audit", answers: adminOnly },
  { method: "GET", route: "/office/outbox", url: () => "/office/outbox", answers: adminOnly },
  { method: "GET", route: "/office/activity", url: () => "/office/activity", answers: adminOnly },
  { method: "GET", route: "/office/export.csv", url: () => "/office/export.csv", answers: coordinators },
  { method: "GET", route: "/office/cases", url: () => "/office/cases", answers: adminOnly },
  { method: "GET", route: "/office/cases/new", url: () => "/office/cases/new", answers: adminOnly },
  {
    method: "POST",
    route: "/office/cases/new",
    url: () => "/office/cases/new",
    form: () => ({ slug: "" }),
    answers: adminOnly,
  },
  { method: "GET", route: "/office/cases/:id", url: (f) => `/office/cases/${f.caseId}`, answers: adminOnly },
  {
    method: "POST",
    route: "/office/cases/:id",
    url: (f) => `/office/cases/${f.caseId}`,
    form: () => ({ title: "" }),
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/cases/:id/unpublish",
    url: (f) => `/office/cases/${f.caseId}/unpublish`,
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/cases/:id/publish",
    url: (f) => `/office/cases/${f.caseId}/publish`,
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/cases/:id/photo",
    url: (f) => `/office/cases/${f.caseId}/photo`,
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/cases/:id/photo/remove",
    url: (f) => `/office/cases/${f.caseId}/photo/remove`,
    answers: adminOnly,
  },
  { method: "GET", route: "/office/translations", url: () => "/office/translations", answers: reviewers },
  {
    method: "POST",
    route: "/office/translations/review",
    url: () => "/office/translations/review",
    form: () => ({}),
    answers: coordinators,
  },
  {
    method: "POST",
    route: "/office/translations/languages",
    url: () => "/office/translations/languages",
    form: () => ({ language: "!!" }),
    answers: adminOnly,
  },
  {
    method: "GET",
    route: "/office/translations/export",
    url: () => "/office/translations/export?language=es&format=xliff2",
    answers: { ...translators, translatorOther: 403 },
  },
  {
    method: "POST",
    route: "/office/translations/import",
    url: () => "/office/translations/import",
    form: () => ({}),
    answers: translators,
  },
  {
    method: "GET",
    route: "/office/translations/catalogs/export",
    url: () => "/office/translations/catalogs/export?language=es&format=po",
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/translations/catalogs/import",
    url: () => "/office/translations/catalogs/import",
    form: () => ({}),
    answers: adminOnly,
  },
  {
    method: "GET",
    route: "/office/translations/:caseId/:language",
    url: (f) => `/office/translations/${f.caseId}/es`,
    answers: { ...reviewers, translatorOther: 403, coordinatorOther: 403 },
  },
  {
    method: "POST",
    route: "/office/translations/:caseId/:language",
    url: (f) => `/office/translations/${f.caseId}/es`,
    form: () => ({}),
    answers: { ...reviewers, translatorOther: 403, coordinatorOther: 403 },
  },
  { method: "GET", route: "/office/sections", url: () => "/office/sections", answers: coordinators },
  {
    method: "GET",
    route: "/office/sections/:id",
    url: (f) => `/office/sections/${f.sectionEs}`,
    answers: { ...coordinators, coordinatorOther: 403 },
  },
  {
    method: "POST",
    route: "/office/sections/:id",
    url: (f) => `/office/sections/${f.sectionEs}`,
    form: () => ({ languages: "" }),
    answers: { ...coordinators, coordinatorOther: 403 },
  },
  { method: "GET", route: "/office/materials", url: () => "/office/materials", answers: coordinators },
  {
    // Sections are public: another section's coordinator is refused, not told it does not exist.
    method: "GET",
    route: "/office/materials/:country/:file",
    url: () => "/office/materials/ES/es.zip",
    answers: { ...coordinators, coordinatorOther: 403 },
  },
  { method: "GET", route: "/office/sections/new", url: () => "/office/sections/new", answers: adminOnly },
  {
    method: "POST",
    route: "/office/sections/new",
    url: () => "/office/sections/new",
    form: () => ({ country: "" }),
    answers: adminOnly,
  },
  {
    method: "GET",
    route: "/office/sections/:id/texts/:language",
    url: (f) => `/office/sections/${f.sectionEs}/texts/es`,
    answers: { ...coordinators, coordinatorOther: 403 },
  },
  {
    method: "POST",
    route: "/office/sections/:id/texts/:language",
    url: (f) => `/office/sections/${f.sectionEs}/texts/es`,
    form: () => ({}),
    answers: { ...coordinators, coordinatorOther: 403 },
  },
  { method: "GET", route: "/office/campaigns", url: () => "/office/campaigns", answers: adminOnly },
  { method: "GET", route: "/office/campaigns/new", url: () => "/office/campaigns/new", answers: adminOnly },
  {
    method: "POST",
    route: "/office/campaigns/new",
    url: () => "/office/campaigns/new",
    form: () => ({ slug: "" }),
    answers: adminOnly,
  },
  {
    method: "GET",
    route: "/office/campaigns/:slug",
    url: () => "/office/campaigns/w4r-2012",
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/campaigns/:slug",
    url: () => "/office/campaigns/w4r-2012",
    form: () => ({ title: "" }),
    answers: adminOnly,
  },
  {
    method: "GET",
    route: "/office/campaigns/:slug/texts/:language",
    url: () => "/office/campaigns/w4r-2012/texts/es",
    answers: { ...translators, translatorOther: 403 },
  },
  {
    method: "POST",
    route: "/office/campaigns/:slug/texts/:language",
    url: () => "/office/campaigns/w4r-2012/texts/es",
    form: () => ({}),
    answers: { ...translators, translatorOther: 403 },
  },
  { method: "GET", route: "/office/moderation", url: () => "/office/moderation", answers: coordinators },
  {
    method: "POST",
    route: "/office/moderation",
    url: () => "/office/moderation",
    form: (f) => ({ ids: [f.messageEs], decision: "approve" }),
    answers: { ...coordinators, coordinatorOther: 404 },
  },
  { method: "GET", route: "/office/invalidations", url: () => "/office/invalidations", answers: adminOnly },
  {
    method: "GET",
    route: "/office/invalidations/new",
    url: () => "/office/invalidations/new?network=203.0.113.0%2F24",
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/invalidations",
    url: () => "/office/invalidations",
    // No reason: past the guard, the form is refused (422) and no job starts.
    form: () => ({ country: "ZZ" }),
    answers: adminOnly,
  },
  {
    method: "GET",
    route: "/office/invalidations/:id",
    url: (f) => `/office/invalidations/${f.jobA}`,
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/invalidations/:id/cancel",
    url: (f) => `/office/invalidations/${f.jobA}/cancel`,
    // Finished: 409 past the guard.
    form: () => ({}),
    answers: adminOnly,
  },
  {
    method: "POST",
    route: "/office/invalidations/:id/revert",
    url: (f) => `/office/invalidations/${f.jobA}/revert`,
    form: () => ({}),
    answers: adminOnly,
  },
  { method: "GET", route: "/office/privacy", url: () => "/office/privacy", answers: coordinators },
  {
    method: "POST",
    route: "/office/privacy",
    url: () => "/office/privacy",
    form: () => ({ email: "nobody@example.org" }),
    answers: coordinators,
  },
  {
    method: "POST",
    route: "/office/privacy/download",
    url: () => "/office/privacy/download",
    // A malformed address: past the guard, answered with the form (422).
    form: () => ({ email: "not-an-address" }),
    answers: coordinators,
  },
  {
    method: "POST",
    route: "/office/privacy/erase",
    url: () => "/office/privacy/erase",
    // Not confirmed: past the guard, answered with the form (422); nothing is erased.
    form: () => ({ email: "nobody@example.org" }),
    answers: coordinators,
  },
  { method: "GET", route: "/office/events", url: () => "/office/events", answers: runners },
  { method: "GET", route: "/office/events/new", url: () => "/office/events/new", answers: runners },
  {
    method: "POST",
    route: "/office/events/new",
    url: () => "/office/events/new",
    form: () => ({ title: "" }),
    answers: runners,
  },
  { method: "GET", route: "/office/events/:id", url: (f) => `/office/events/${f.eventA}`, answers: ownEvent },
  {
    method: "POST",
    route: "/office/events/:id",
    url: (f) => `/office/events/${f.eventA}`,
    form: () => ({ title: "" }),
    answers: ownEvent,
  },
  { method: "GET", route: "/office/reports", url: () => "/office/reports", answers: runners },
  { method: "GET", route: "/office/reports/new", url: () => "/office/reports/new", answers: runners },
  {
    method: "GET",
    route: "/office/reports/new",
    url: (f) => `/office/reports/new?event=${f.eventA}`,
    answers: ownEvent,
  },
  {
    method: "POST",
    route: "/office/reports/new",
    url: () => "/office/reports/new",
    form: (f) => ({ key: randomUUID(), event: f.eventA, quantity: "x" }),
    answers: ownEvent,
  },
  {
    method: "GET",
    route: "/office/reports/:id",
    url: (f) => `/office/reports/${f.reportA}`,
    answers: ownEvent,
  },
  {
    method: "GET",
    route: "/office/reports/:id/correct",
    url: (f) => `/office/reports/${f.reportA}/correct`,
    answers: ownEvent,
  },
  {
    method: "POST",
    route: "/office/reports/:id/correct",
    url: (f) => `/office/reports/${f.reportA}/correct`,
    form: () => ({ total: "x" }),
    answers: ownEvent,
  },
  { method: "GET", route: "/office/reports/import", url: () => "/office/reports/import", answers: runners },
  {
    method: "GET",
    route: "/office/reports/template.csv",
    url: () => "/office/reports/template.csv",
    answers: runners,
  },
  { method: "POST", route: "/office/reports/import", url: () => "/office/reports/import", answers: runners },
  {
    method: "POST",
    route: "/office/reports/import/confirm",
    url: () => "/office/reports/import/confirm",
    form: (f) => ({ import: f.importA }),
    // A pending import belongs to the person who uploaded it, not even to an admin.
    answers: { ...runners, admin: 404, coordinatorOwn: 404, coordinatorOther: 404, organizerOther: 404 },
  },
  // Last: cancelling changes the event the rows above use.
  {
    method: "POST",
    route: "/office/events/:id/cancel",
    url: (f) => `/office/events/${f.eventA}/cancel`,
    answers: ownEvent,
  },
];

export type MatrixUsers = Record<Exclude<Actor, "anonymous">, UserRow>;

/**
 * One user per actor and the objects the rows' URLs name (a case, an event of the own organizer,
 * its report, a pending message, a pending import), made on `node`'s database. Also used by the
 * route fuzz test (test/fuzz.test.ts), so its requests reach real objects.
 */
export async function makeMatrixFixtures(node: TestApp): Promise<{ users: MatrixUsers; fixtures: Fixtures }> {
  const pool = node.db.pool;
  const users: MatrixUsers = {
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
  const job = await pool.query<{ id: string }>(
    `INSERT INTO invalidation_jobs (criteria, reason, state, created_by_label, selected_actions, selected_quantity, finished_at)
     VALUES ('{"country":"ZZ"}', 'matrix', 'done', 'cli', 0, 0, now()) RETURNING id`,
  );
  const fixtures: Fixtures = {
    caseId,
    sectionEs: node.runtime.sectionOf("ES") as number,
    eventA,
    reportA,
    messageEs,
    userId: users.organizerOther.id,
    importA,
    loginEmail: users.organizerOther.email,
    jobA: Number(job.rows[0]?.id),
  };
  return { users, fixtures };
}
