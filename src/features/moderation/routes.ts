import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute, formValues } from "../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { isSlug } from "../../platform/rules.js";
import type { Errors, OfficeUser } from "../office/index.js";
import { actorOf, canModerate, currentUser, guard, notFound, ot, sendPage } from "../office/index.js";
import { DecisionForm, ModerationQuery } from "./forms.js";
import { countriesOf, decide, OutOfReach, queue, STATUSES } from "./queue.js";
import { type Filter, ModerationPage } from "./views.js";

// Moderation of solidarity messages: the queue, filters, and decisions one by one or in bulk.
// Approved messages show on the case's public wall, which is read on every page load.

const filterOf = (source: { status?: Filter["status"]; case?: string }): Filter => ({
  status: source.status ?? "pending",
  case: source.case ?? "",
});

/** The filter of a form that came back with errors: its hidden fields, where they are valid. */
const filterSent = (values: Record<string, string>): Filter =>
  filterOf({
    status: STATUSES.find((status) => status === values.status),
    case: values.case && isSlug(values.case) ? values.case : undefined,
  });

const queryOf = (filter: Filter, extra: Record<string, string> = {}) =>
  new URLSearchParams({ status: filter.status, ...(filter.case ? { case: filter.case } : {}), ...extra });

export function moderationRoutes(office: FastifyInstance, runtime: Runtime): void {
  const app = office.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  // This node's writer name for decisions' entries: not the batcher's, whose batch numbers this
  // node applies itself; these reach every node, this one too, by their announcement.
  const moderationOrigin = `moderation-${runtime.origin}`;

  const page = async (
    reply: FastifyReply,
    user: OfficeUser,
    filter: Filter,
    o: { errors?: Errors; notice?: string } = {},
    status = 200,
  ) => {
    const catalog = runtime.catalog();
    const slugs = catalog.caseSlugs;
    const caseId = filter.case ? ([...slugs].find(([, slug]) => slug === filter.case)?.[0] ?? -1) : null;
    const countries = countriesOf(user, catalog);
    const { messages, total } = await queue(pool, runtime.db.privacy, {
      status: filter.status,
      caseId,
      countries,
    });
    const view = { user, csrf: reply.generateCsrf(), filter, slugs, messages, total, countries, ...o };
    return sendPage(reply, ModerationPage(view), status);
  };

  app.get(
    "/office/moderation",
    {
      // The guard runs before validation, so a refusal never depends on the query.
      preValidation: guard(canModerate),
      schema: { querystring: ModerationQuery, response: pageResponses() },
    },
    async (request, reply) => {
      const { done, n = 0 } = request.query;
      const notice = done
        ? ot(done === "approve" ? "office.moderation.notice.approved" : "office.moderation.notice.rejected", {
            count: Number(n),
          })
        : undefined;
      return page(reply, currentUser(request), filterOf(request.query), { notice });
    },
  );

  app.post(
    "/office/moderation",
    formRoute(DecisionForm, {
      preValidation: [guard(canModerate), app.csrfProtection],
      response: formResponses(404, 422),
    }),
    async (request, reply) => {
      const user = currentUser(request);
      const errors = formErrors(request);
      if (Object.keys(errors).length > 0)
        return page(reply, user, filterSent(formValues(request)), { errors }, 422);
      const body = request.body;
      const filter = filterOf(body);
      // A message's own button names its decision and id; the bulk buttons use the ticked boxes.
      const one = /^(approve|reject):(.+)$/.exec(body.one ?? "");
      const decision = one?.[1] === "approve" || one?.[1] === "reject" ? one[1] : body.decision;
      const ids = one?.[2] ? [one[2]] : [...body.ids, ...body["ids[]"]];
      if (!decision) {
        return page(reply, user, filter, { errors: { ids: "office.moderation.error.decision" } }, 422);
      }
      if (ids.length === 0) {
        return page(reply, user, filter, { errors: { ids: "office.moderation.error.none" } }, 422);
      }
      let changed: number;
      try {
        changed = await withTransaction(pool, (client) =>
          decide(client, user, actorOf(user), ids, decision, runtime.sectionOf, moderationOrigin),
        );
      } catch (error) {
        // One message outside this person's reach fails the whole request: nothing is decided.
        if (error instanceof OutOfReach) throw notFound("office.problem.notFound.message");
        throw error;
      }
      // The case pages' walls show approved messages: every node's shared pages move on.
      if (changed > 0) await runtime.contentChanged();
      return reply.redirect(
        `/office/moderation?${queryOf(filter, { done: decision, n: String(changed) })}`,
        303,
      );
    },
  );
}
