import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime.js";
import { accountRoutes } from "./accounts/routes.js";
import { auditRoutes } from "./audit-routes.js";
import { caseRoutes } from "./cases/routes.js";
import { installOfficeSessions, OFFICE } from "./context.js";
import { dashboardRoutes } from "./dashboard/routes.js";
import { eventRoutes } from "./events/routes.js";
import { moderationRoutes } from "./moderation/routes.js";
import { reportRoutes } from "./reports/routes.js";
import { sectionRoutes } from "./sections/routes.js";
import { translationRoutes } from "./translations/routes.js";
import { userRoutes } from "./users-routes.js";

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
