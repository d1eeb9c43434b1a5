import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute, formValues, messages } from "../../platform/http/forms.js";
import { QueryText, single } from "../../platform/http/query.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import type { Errors, OfficeUser } from "../office/index.js";
import {
  actorOf,
  canInvalidate,
  currentUser,
  guard,
  notFound,
  OfficeLayout,
  ot,
  sendPage,
} from "../office/index.js";
import { CRITERIA_FIELDS, type CriteriaInput, parseCriteria } from "./criteria.js";
import { kickInvalidations } from "./start.js";
import { createJob, getJob, listJobs, preview, requestCancel, requestRevert } from "./store.js";
import { isOpen, JobList, JobPage, NewJob } from "./views.js";

// Admins take fraudulent actions back out of the counter: criteria, preview per case and
// country, reason, run; then the job's progress, cancel and revert. Every change is audited.

const HERE = "/office/invalidations";

const Text = (max: number) =>
  Type.Optional(Type.String({ maxLength: max, ...messages("office.invalidation.error.long") }));
const CriteriaQuery = Type.Object(Object.fromEntries(CRITERIA_FIELDS.map((f) => [f, QueryText()])));
const CriteriaBody = Type.Object({
  ...Object.fromEntries(CRITERIA_FIELDS.map((f) => [f, Text(100)])),
  reason: Text(500),
});
const RevertBody = Type.Object({ reason: Text(500) });
const EmptyBody = Type.Object({});
const JobParams = Type.Object({ id: Type.String() });

const jobId = (text: string) => (/^\d{1,15}$/.test(text) ? Number(text) : undefined);

export function invalidationRoutes(office: FastifyInstance, runtime: Runtime): void {
  const app = office.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const guarded = { preValidation: guard(canInvalidate) };

  const layout = (
    reply: FastifyReply,
    user: OfficeUser,
    title: string,
    body: preact.JSX.Element,
    status = 200,
    refresh?: number,
  ) =>
    sendPage(
      reply,
      <OfficeLayout
        title={title}
        user={user}
        csrf={reply.generateCsrf()}
        current={HERE}
        refreshSeconds={refresh}
      >
        {body}
      </OfficeLayout>,
      status,
    );

  const newPage = async (
    reply: FastifyReply,
    user: OfficeUser,
    values: CriteriaInput,
    o: { errors?: Errors; reason?: string; status?: number } = {},
  ) => {
    // A page opened without criteria is the empty form; a post always says what is missing.
    const given = o.status !== undefined || CRITERIA_FIELDS.some((f) => values[f]?.trim());
    const { criteria, errors: criteriaErrors } = parseCriteria(values);
    const errors = { ...(given ? criteriaErrors : {}), ...o.errors };
    const valid = given && Object.keys(criteriaErrors).length === 0;
    const shown = valid ? await preview(runtime.db.bulk, criteria) : undefined;
    return layout(
      reply,
      user,
      ot("office.invalidation.newTitle"),
      <NewJob
        csrf={reply.generateCsrf()}
        values={values}
        errors={errors}
        criteria={valid ? criteria : undefined}
        preview={shown}
        reason={o.reason}
      />,
      o.status ?? (given && !valid ? 422 : 200),
    );
  };

  const jobPage = async (
    reply: FastifyReply,
    user: OfficeUser,
    id: string,
    errors: Errors = {},
    status = 200,
  ) => {
    const n = jobId(id);
    const job = n === undefined ? undefined : await getJob(pool, n);
    if (!job) throw notFound("office.invalidation.notFound");
    return layout(
      reply,
      user,
      ot("office.invalidation.jobTitle", { id: job.id }),
      <JobPage job={job} csrf={reply.generateCsrf()} errors={errors} />,
      status,
      isOpen(job) ? 2 : undefined,
    );
  };

  app.get(HERE, { ...guarded, schema: { response: pageResponses() } }, async (request, reply) =>
    layout(
      reply,
      currentUser(request),
      ot("office.menu.invalidations"),
      <JobList jobs={await listJobs(pool)} />,
    ),
  );

  app.get(
    `${HERE}/new`,
    { ...guarded, schema: { querystring: CriteriaQuery, response: pageResponses(422) } },
    async (request, reply) => {
      const values: CriteriaInput = {};
      for (const f of CRITERIA_FIELDS) {
        const v = single(request.query[f] as string | string[] | undefined);
        if (v !== undefined && !v.includes("\u0000")) values[f] = v;
      }
      return newPage(reply, currentUser(request), values);
    },
  );

  app.post(
    HERE,
    formRoute(CriteriaBody, {
      preValidation: [guard(canInvalidate), app.csrfProtection],
      response: formResponses(422),
    }),
    async (request, reply) => {
      const user = currentUser(request);
      const values = formValues(request);
      const errors: Errors = formErrors(request);
      const reason = (values.reason ?? "").trim();
      if (!reason) errors.reason = "office.invalidation.error.reason";
      const { criteria, errors: criteriaErrors } = parseCriteria(values);
      if (Object.keys(errors).length > 0 || Object.keys(criteriaErrors).length > 0)
        return newPage(reply, user, values, { errors, reason, status: 422 });
      const job = await withTransaction(pool, async (client) =>
        createJob(client, actorOf(user), criteria, reason, await preview(client, criteria)),
      );
      kickInvalidations(runtime);
      return reply.redirect(`${HERE}/${job.id}`, 303);
    },
  );

  app.get(
    `${HERE}/:id`,
    { ...guarded, schema: { params: JobParams, response: pageResponses(404) } },
    async (request, reply) => jobPage(reply, currentUser(request), request.params.id),
  );

  const cancelPost = formRoute(EmptyBody, { preValidation: [guard(canInvalidate), app.csrfProtection] });
  app.post(
    `${HERE}/:id/cancel`,
    { ...cancelPost, schema: { ...cancelPost.schema, params: JobParams, response: formResponses(404, 409) } },
    async (request, reply) => {
      const user = currentUser(request);
      const n = jobId(request.params.id);
      const outcome =
        n === undefined ? "missing" : await withTransaction(pool, (c) => requestCancel(c, actorOf(user), n));
      if (outcome === "missing") throw notFound("office.invalidation.notFound");
      if (outcome === "state")
        return jobPage(
          reply,
          user,
          request.params.id,
          { cancel: "office.invalidation.error.notCancellable" },
          409,
        );
      return reply.redirect(`${HERE}/${n}`, 303);
    },
  );

  const revertPost = formRoute(RevertBody, { preValidation: [guard(canInvalidate), app.csrfProtection] });
  app.post(
    `${HERE}/:id/revert`,
    {
      ...revertPost,
      schema: { ...revertPost.schema, params: JobParams, response: formResponses(404, 409, 422) },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const n = jobId(request.params.id);
      if (n === undefined || !(await getJob(pool, n))) throw notFound("office.invalidation.notFound");
      const reason = (formValues(request).reason ?? "").trim();
      const errors: Errors = formErrors(request);
      if (!reason) errors.reason = "office.invalidation.error.reason";
      if (Object.keys(errors).length > 0) return jobPage(reply, user, request.params.id, errors, 422);
      const outcome = await withTransaction(pool, (c) => requestRevert(c, actorOf(user), n, reason));
      if (outcome === "state")
        return jobPage(
          reply,
          user,
          request.params.id,
          { reason: "office.invalidation.error.notRevertible" },
          409,
        );
      kickInvalidations(runtime);
      return reply.redirect(`${HERE}/${n}`, 303);
    },
  );
}
