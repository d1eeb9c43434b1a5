import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { Type } from "typebox";
import { countriesOfSections } from "../../core/catalog/catalog.js";
import type { Runtime } from "../../core/runtime.js";
import { formErrors, formRoute, formValues, messages } from "../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { Email } from "../../platform/rules.js";
import type { Errors, OfficeUser } from "../office/index.js";
import { actorOf, canLookUpSupporters, currentUser, guard, ot, sendPage } from "../office/index.js";
import { findHoldings } from "./holdings.js";
import { OfficePrivacyPage } from "./office-views.js";
import { auditAccess, erasePerson, holdingsJson, scope } from "./service.js";

// /office/privacy: a supporter looked up by email, their data downloaded or erased. The address
// travels in form posts only (never in an address a browser keeps or a log records).

const EmailField = Email(messages("office.privacy.error.email", { required: "office.privacy.error.email" }));
const LookupForm = Type.Object({ email: EmailField });
const EraseForm = Type.Object({
  email: EmailField,
  confirm: Type.Literal("yes", messages("office.privacy.error.confirm")),
});
const PrivacyQuery = Type.Object({ erased: Type.Optional(Type.Integer({ minimum: 0 })) });

export function privacyOfficeRoutes(office: FastifyInstance, runtime: Runtime): void {
  const app = office.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const countriesOf = (user: OfficeUser): string[] | null =>
    user.role === "admin" ? null : countriesOfSections(runtime.catalog(), user.sectionIds);
  const scoped = async (user: OfficeUser, email: string) =>
    scope(await findHoldings(pool, runtime.db.privacy, email), countriesOf(user));

  const page = (
    reply: FastifyReply,
    user: OfficeUser,
    o: { email?: string; errors?: Errors; notice?: string; scoped?: Awaited<ReturnType<typeof scoped>> },
    status = 200,
  ) => sendPage(reply, OfficePrivacyPage({ user, csrf: reply.generateCsrf(), ...o }), status);

  app.get(
    "/office/privacy",
    {
      preValidation: guard(canLookUpSupporters),
      schema: { querystring: PrivacyQuery, response: pageResponses() },
    },
    async (request, reply) => {
      const { erased } = request.query;
      const notice = erased === undefined ? undefined : ot("office.privacy.erased", { count: erased });
      return page(reply, currentUser(request), { notice });
    },
  );

  app.post(
    "/office/privacy",
    formRoute(LookupForm, {
      preValidation: [guard(canLookUpSupporters), app.csrfProtection],
      response: formResponses(422),
    }),
    async (request, reply) => {
      const user = currentUser(request);
      const errors = formErrors(request);
      if (Object.keys(errors).length > 0)
        return page(reply, user, { email: formValues(request).email, errors }, 422);
      const found = await scoped(user, request.body.email);
      if (found.found) await auditAccess(pool, actorOf(user), "look_up", "office", found.holdings);
      return page(reply, user, { email: request.body.email, scoped: found });
    },
  );

  app.post(
    "/office/privacy/download",
    formRoute(LookupForm, {
      preValidation: [guard(canLookUpSupporters), app.csrfProtection],
      response: { 200: Type.String({ description: "The data held, as JSON" }), ...pageResponses(404, 422) },
    }),
    async (request, reply) => {
      const user = currentUser(request);
      const errors = formErrors(request);
      if (Object.keys(errors).length > 0)
        return page(reply, user, { email: formValues(request).email, errors }, 422);
      const found = await scoped(user, request.body.email);
      if (!found.found) return page(reply, user, { email: request.body.email, scoped: found }, 404);
      await auditAccess(pool, actorOf(user), "download", "office", found.holdings);
      return reply
        .type("application/json; charset=utf-8")
        .header("content-disposition", 'attachment; filename="supporter-data.json"')
        .send(holdingsJson(found.holdings));
    },
  );

  app.post(
    "/office/privacy/erase",
    formRoute(EraseForm, {
      preValidation: [guard(canLookUpSupporters), app.csrfProtection],
      response: formResponses(403, 404, 422),
    }),
    async (request, reply) => {
      const user = currentUser(request);
      const errors = formErrors(request);
      const email = formValues(request).email;
      if (Object.keys(errors).length > 0) {
        const found = errors.email || !email ? undefined : await scoped(user, email);
        return page(reply, user, { email, errors, scoped: found }, 422);
      }
      const found = await scoped(user, request.body.email);
      if (!found.found) return page(reply, user, { email, scoped: found }, 404);
      // A coordinator erases only a person whose every row is in their countries.
      if (!found.complete)
        return page(
          reply,
          user,
          { email, scoped: found, errors: { email: "office.privacy.error.partial" } },
          403,
        );
      const erased = await erasePerson(
        pool,
        runtime.db.privacy,
        request.body.email,
        actorOf(user),
        "office",
        () => runtime.contentChanged(),
      );
      const total =
        erased.supporters + erased.consents + erased.messages + erased.rsvps + erased.mails + erased.actions;
      return reply.redirect(`/office/privacy?erased=${total}`, 303);
    },
  );
}
