import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../runtime.js";
import { currentUser, guard } from "../context.js";
import { sendPage } from "../form.js";
import { OfficeLayout } from "../layout.js";
import { canSeeOffice } from "../policy.js";

export function dashboardRoutes(app: FastifyInstance, _runtime: Runtime): void {
  app.get("/office", { preHandler: guard(canSeeOffice) }, async (request, reply) => {
    const user = currentUser(request);
    return sendPage(
      reply,
      <OfficeLayout title="Dashboard" user={user} csrf={reply.generateCsrf()} current="/office">
        <p>Welcome, {user.name || user.email}.</p>
      </OfficeLayout>,
    );
  });
}
