import type { FastifyInstance } from "fastify";
import type { Runtime } from "../core/runtime.js";
import { accountRoutes } from "../features/accounts/routes.js";
import { userRoutes } from "../features/accounts/users-routes.js";
import { auditRoutes } from "../features/audit/routes.js";
import { caseRoutes } from "../features/cases/office/routes.js";
import { dashboardRoutes } from "../features/dashboard/routes.js";
import { eventRoutes } from "../features/events/office/routes.js";
import { moderationRoutes } from "../features/moderation/routes.js";
import { installOfficeSessions, OFFICE } from "../features/office/context.js";
import { reportRoutes } from "../features/reports/routes.js";
import { sectionRoutes } from "../features/sections/office/routes.js";
import { translationRoutes } from "../features/translations/routes.js";

// The back office under /office: every area registers its routes here, each behind a guard
// naming its policy (see policy.ts).

declare module "fastify" {
  interface FastifyInstance {
    /** "METHOD /office/…" of every back-office route, for the policy matrix test. */
    officeRouteList: string[];
  }
}

export function officeRoutes(app: FastifyInstance, runtime: Runtime): void {
  const list: string[] = [];
  app.decorate("officeRouteList", list);
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith(OFFICE)) return;
    for (const method of [route.method].flat()) if (method !== "HEAD") list.push(`${method} ${route.url}`);
  });
  installOfficeSessions(app, runtime);
  accountRoutes(app, runtime);
  userRoutes(app, runtime);
  auditRoutes(app, runtime);
  dashboardRoutes(app, runtime);
  caseRoutes(app, runtime);
  translationRoutes(app, runtime);
  sectionRoutes(app, runtime);
  moderationRoutes(app, runtime);
  eventRoutes(app, runtime);
  reportRoutes(app, runtime);
}
