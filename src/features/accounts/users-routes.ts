import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute, formValues } from "../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { canonicalLanguage, normalizeEmail } from "../../platform/rules.js";
import type { Errors } from "../office/index.js";
import {
  actorOf,
  audit,
  auditView,
  canManageUsers,
  currentUser,
  endAllSessions,
  getUser,
  guard,
  insertUser,
  notFound,
  type OfficeUser,
  officeMessages,
  ot,
  type Role,
  sendPage,
  type UserRow,
} from "../office/index.js";
import { issueAccountToken } from "./account-tokens.js";
import { EmptyForm, NewUserForm, type UserBody, UserForm, UserParams, UsersQuery } from "./forms.js";
import { chosenLocale, emailTaken, listUsers, sectionChoices, updateUser } from "./queries.js";
import { type Draft, UserFormPage, UsersPage } from "./users-views.js";

// Accounts, managed by admins: invite a person with a role (and their sections or languages),
// change it later, disable it. The person chooses their own password through the invitation.

/** The account form as it was sent, to show it again (with its errors) or to save it. */
function draftOf(body: UserBody, values: Record<string, string>): Draft {
  return {
    email: normalizeEmail(values.email ?? ""),
    name: values.name ?? "",
    role: values.role ?? "",
    // Numbers once valid; as sent (maybe not numbers) when the form comes back with an error.
    sectionIds: (body.sections ?? []).map(Number).filter(Number.isSafeInteger),
    languages: (values.languages ?? "").split(/[\s,]+/).filter((l) => l.length > 0),
    disabled: body.disabled !== undefined,
  };
}

/** The rules beyond the schema's: sections that exist, what each role needs, language tags. */
function checkDraft(draft: Draft, errors: Errors, knownSections: Set<number>): Errors {
  if (!errors.sections) {
    if (draft.sectionIds.some((id) => !knownSections.has(id)))
      errors.sections = "office.users.error.sections";
    else if (draft.role === "coordinator" && draft.sectionIds.length === 0)
      errors.sections = "office.users.error.coordinatorSection";
  }
  const bad = draft.languages.filter((l) => !canonicalLanguage(l));
  if (bad.length > 0) errors.languages = ot("office.users.error.tags", { tags: bad.join(", ") });
  else if (draft.role === "translator" && draft.languages.length === 0)
    errors.languages = "office.users.error.translatorLanguage";
  return errors;
}

const canonicalLanguages = (draft: Draft): string[] => draft.languages.map((l) => canonicalLanguage(l) ?? l);

export function userRoutes(office: FastifyInstance, runtime: Runtime): void {
  const app = office.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  // The guard runs before validation, so a refusal never depends on what was sent.
  const guarded = [guard(canManageUsers)];
  const posting = [guard(canManageUsers), app.csrfProtection];

  /**
   * Mails an invitation link issued (with its audit entry) in a committed transaction. The
   * invited person has chosen no language yet: it is written in the inviting admin's.
   */
  async function invite(user: UserRow, token: string): Promise<void> {
    const locale = await chosenLocale(pool, user.id);
    const m = locale ? messagesFor(locale) : officeMessages();
    const greeting = user.name
      ? m.t("office.mail.greeting", { name: user.name })
      : m.t("office.mail.greetingNoName");
    const body = m.t("office.mail.invite.body", {
      role: m.t(`office.role.${user.role}`),
      help: m.t(`office.users.roleHelp.${user.role}`),
      url: `${runtime.config.publicUrl}/office/invite/${token}`,
    });
    await runtime.mailer.send({
      to: user.email,
      subject: m.t("office.mail.invite.subject"),
      text: `${greeting}\n\n${body}`,
    });
  }

  const formPage = async (
    reply: FastifyReply,
    o: { me: OfficeUser; user?: UserRow; draft: Draft; errors?: Errors },
    status = 200,
  ) => {
    const sections = await sectionChoices(pool);
    return sendPage(reply, UserFormPage({ ...o, csrf: reply.generateCsrf(), sections }), status);
  };

  const userParam = async (id: string, lock = false) => {
    const user = /^\d{1,9}$/.test(id) ? await getUser(pool, Number(id), lock) : undefined;
    if (!user) throw notFound("office.problem.notFound.account");
    return user;
  };

  const knownSections = async () => new Set((await sectionChoices(pool)).map((s) => s.id));

  app.get(
    "/office/users",
    { preValidation: guarded, schema: { querystring: UsersQuery, response: pageResponses() } },
    async (request, reply) => {
      const me = currentUser(request);
      const [users, sections] = [await listUsers(pool), await sectionChoices(pool)];
      const page = UsersPage({ me, csrf: reply.generateCsrf(), users, sections, done: request.query.done });
      return sendPage(reply, page);
    },
  );

  app.get(
    "/office/users/new",
    { preValidation: guarded, schema: { response: pageResponses() } },
    async (request, reply) =>
      formPage(reply, {
        me: currentUser(request),
        draft: { email: "", name: "", role: "organizer", sectionIds: [], languages: [], disabled: false },
      }),
  );

  app.post(
    "/office/users",
    formRoute(NewUserForm, { preValidation: posting, response: formResponses(422) }),
    async (request, reply) => {
      const me = currentUser(request);
      const draft = draftOf(request.body, formValues(request));
      const errors = checkDraft(draft, formErrors(request), await knownSections());
      if (Object.keys(errors).length > 0) return formPage(reply, { me, draft, errors }, 422);
      const created = await withTransaction(pool, async (client) => {
        if (await emailTaken(client, draft.email)) return undefined;
        const languages = canonicalLanguages(draft);
        const user = await insertUser(client, { ...draft, role: draft.role as Role, languages });
        await audit(client, actorOf(me), "invite", "user", user.id, null, auditView(user));
        return { user, token: await issueAccountToken(client, user.id, "invite") };
      });
      if (!created) {
        return formPage(reply, { me, draft, errors: { email: "office.users.error.taken" } }, 422);
      }
      await invite(created.user, created.token);
      return reply.redirect("/office/users?done=invited", 303);
    },
  );

  app.get(
    "/office/users/:id",
    { preValidation: guarded, schema: { params: UserParams, response: pageResponses(404) } },
    async (request, reply) => {
      const user = await userParam(request.params.id);
      return formPage(reply, {
        me: currentUser(request),
        user,
        draft: { ...user, disabled: user.disabledAt !== null },
      });
    },
  );

  app.post(
    "/office/users/:id",
    formRoute(UserForm, { params: UserParams, preValidation: posting, response: formResponses(404, 422) }),
    async (request, reply) => {
      const me = currentUser(request);
      const user = await userParam(request.params.id);
      const draft = { ...draftOf(request.body, formValues(request)), email: user.email };
      const errors = checkDraft(draft, formErrors(request), await knownSections());
      if (user.id === me.id && (draft.role !== "admin" || draft.disabled)) {
        errors.role = "office.users.error.self";
      }
      if (Object.keys(errors).length > 0) return formPage(reply, { me, user, draft, errors }, 422);
      await withTransaction(pool, async (client) => {
        const before = await getUser(client, user.id, true);
        if (!before) throw notFound("office.problem.notFound.account");
        const change = { ...draft, role: draft.role as Role, languages: canonicalLanguages(draft) };
        const after = await updateUser(client, user.id, change);
        // A new role or a disabled account takes effect now, not when old sessions expire.
        if (draft.disabled || before.role !== after.role) await endAllSessions(client, user.id);
        await audit(client, actorOf(me), "update", "user", user.id, auditView(before), auditView(after));
      });
      return reply.redirect("/office/users?done=saved", 303);
    },
  );

  app.post(
    "/office/users/:id/invite",
    formRoute(EmptyForm, { params: UserParams, preValidation: posting, response: formResponses(404, 409) }),
    async (request, reply) => {
      const me = currentUser(request);
      const user = await userParam(request.params.id);
      if (user.disabledAt || user.passwordHash) {
        const draft = { ...user, disabled: user.disabledAt !== null };
        const errors = { role: "office.users.error.notInvited" };
        return formPage(reply, { me, user, draft, errors }, 409);
      }
      const token = await withTransaction(pool, async (client) => {
        await audit(client, actorOf(me), "reinvite", "user", user.id, null, null);
        return issueAccountToken(client, user.id, "invite");
      });
      await invite(user, token);
      return reply.redirect("/office/users?done=invited", 303);
    },
  );
}
