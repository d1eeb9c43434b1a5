import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute, messages } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { formResponses } from "../../platform/http/responses.js";
import { UI_LOCALES } from "../../platform/i18n/locales.js";
import { actorOf, audit, canSeeOffice, currentUser, guard, ot, safeNext } from "../office/index.js";

// The signed-in person's interface language. None chosen (a blank choice) follows the browser's
// Accept-Language again. Audited like the account's other changes.

const LanguageForm = Type.Object({
  locale: Type.Optional(
    Type.Union(
      UI_LOCALES.map((locale) => Type.Literal(locale)),
      messages("office.account.language.invalid"),
    ),
  ),
  next: Type.Optional(Type.String({ maxLength: 2000 })),
});

export function languageRoutes(office: FastifyInstance, runtime: Runtime): void {
  const app = office.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    "/office/account/language",
    formRoute(LanguageForm, {
      preValidation: [guard(canSeeOffice), app.csrfProtection],
      response: formResponses(400),
    }),
    async (request, reply) => {
      const user = currentUser(request);
      if (Object.keys(formErrors(request)).length > 0) {
        throw new Problem(400, "invalid_language", ot("office.account.language.invalid"));
      }
      const locale = request.body.locale ?? null;
      await withTransaction(runtime.db.pool, async (client) => {
        const before = await client.query<{ locale: string | null }>(
          "SELECT locale FROM users WHERE id = $1 FOR UPDATE",
          [user.id],
        );
        await client.query("UPDATE users SET locale = $2 WHERE id = $1", [user.id, locale]);
        await audit(client, actorOf(user), "choose_language", "user", user.id, before.rows[0] ?? null, {
          locale,
        });
      });
      return reply.redirect(safeNext(request.body.next), 303);
    },
  );
}
