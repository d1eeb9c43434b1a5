import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { Runtime } from "../core/runtime.js";
import { activityRoutes } from "../features/abuse/index.js";
import { accountRoutes } from "../features/accounts/routes.js";
import { userRoutes } from "../features/accounts/users-routes.js";
import { auditRoutes } from "../features/audit/routes.js";
import { campaignOfficeRoutes } from "../features/campaigns/office/routes.js";
import { caseRoutes } from "../features/cases/office/routes.js";
import { dashboardRoutes } from "../features/dashboard/routes.js";
import { eventRoutes } from "../features/events/office/routes.js";
import { invalidationRoutes } from "../features/invalidation/index.js";
import { moderationRoutes } from "../features/moderation/routes.js";
import { installOfficeSessions, OFFICE } from "../features/office/context.js";
import { officeErrorHandler, officeNotFound } from "../features/office/problems.js";
import { packRoutes } from "../features/packs/index.js";
import { privacyOfficeRoutes } from "../features/privacy/index.js";
import { reportRoutes } from "../features/reports/routes.js";
import { sectionRoutes } from "../features/sections/office/routes.js";
import { exchangeRoutes } from "../features/translations/exchange/routes.js";
import { translationRoutes } from "../features/translations/routes.js";
import { registerMultipart } from "../platform/http/multipart.js";
import type { Unavailability } from "../platform/http/problems.js";

/** Largest accepted upload: a phone photo or a large report CSV. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

// The back office under /office, as one encapsulated Fastify plugin: its sessions, its error
// and not-found pages (in the office layout, never the public site's) and every area's routes,
// each behind a guard naming its policy (see policy.ts). The routes keep their absolute
// '/office/…' paths; the plugin itself has no prefix.

export interface OfficeOptions {
  runtime: Runtime;
  unavailable: Unavailability;
}

// Every back-office route is in the app's routeList (platform/http/route-list.ts), so a new one
// without a row fails the policy matrix.
export const officePlugin: FastifyPluginAsync<OfficeOptions> = async (office, { runtime, unavailable }) => {
  office.setErrorHandler(officeErrorHandler(unavailable));
  // Forms, and uploads (case photos, report CSVs) whose fields and file arrive in request.body,
  // the file as a Buffer, so the CSRF check reads the token field like in any form. Only here
  // and on the public forms: the JSON API parses nothing else.
  await office.register(formbody, { bodyLimit: 64 * 1024 });
  await registerMultipart(office, {
    attachFieldsToBody: "keyValues",
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 40, fieldSize: 64 * 1024 },
  });
  installOfficeSessions(office, runtime);
  accountRoutes(office, runtime);
  userRoutes(office, runtime);
  auditRoutes(office, runtime);
  dashboardRoutes(office, runtime);
  campaignOfficeRoutes(office, runtime);
  caseRoutes(office, runtime);
  translationRoutes(office, runtime);
  exchangeRoutes(office, runtime);
  sectionRoutes(office, runtime);
  packRoutes(office, runtime);
  moderationRoutes(office, runtime);
  invalidationRoutes(office, runtime);
  eventRoutes(office, runtime);
  reportRoutes(office, runtime);
  activityRoutes(office, runtime);
  privacyOfficeRoutes(office, runtime);
  // Fastify keeps one not-found handler per prefix: a child under /office holds ours, and runs
  // after the plugin's hooks (the session), so the page shows the person's menu.
  await office.register(async (child) => child.setNotFoundHandler(officeNotFound), { prefix: OFFICE });
};

/** Registers the back office on the app (the plugin loads when the app gets ready). */
export function officeRoutes(app: FastifyInstance, runtime: Runtime, unavailable: Unavailability): void {
  app.register(officePlugin, { runtime, unavailable });
}
