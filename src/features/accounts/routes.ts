import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { secureCookies } from "../../platform/http/csrf.js";
import { formErrors, formRoute, formValues } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { hourly } from "../../platform/jobs/hourly.js";
import { normalizeEmail } from "../../platform/rules.js";
import {
  actorOf,
  audit,
  canSeeOffice,
  currentUser,
  endAllSessions,
  endSession,
  findUserByEmail,
  getUser,
  guard,
  OFFICE,
  officeMessages,
  ot,
  purgeExpiredSessions,
  SESSION_COOKIE,
  safeNext,
  sendPage,
  signIn,
  signOut,
} from "../office/index.js";
import { consumeAccountToken, findAccountToken, issueAccountToken } from "./account-tokens.js";
import { ChooseForms, EmptyForm, LoginForm, LoginQuery, ResetForm, TokenParams } from "./forms.js";
import { languageRoutes } from "./language.js";
import { checkPassword, hashPassword, passwordRule } from "./passwords.js";
import { chosenLocale, setPassword } from "./queries.js";
import {
  admitLogin,
  DEVICE_COOKIE,
  DEVICE_COOKIE_DAYS,
  loginSucceeded,
  purgeLoginState,
  rememberDevice,
} from "./throttle.js";
import { ChoosePage, LoginPage, ResetRequestPage } from "./views.js";

// Logging in and out, password resets and accepting invitations.

/** "Try again in …" for a wait: seconds while short, whole minutes once longer (rounded up,
 * so attempts a few seconds apart are told the same). */
function retryAfter(waitMs: number): { seconds: number; words: string } {
  if (waitMs <= 60_000) {
    const seconds = Math.ceil(waitMs / 1000);
    return { seconds, words: ot("office.account.blocked.seconds", { count: seconds }) };
  }
  const minutes = Math.ceil(waitMs / 60_000);
  return { seconds: minutes * 60, words: ot("office.account.blocked.minutes", { count: minutes }) };
}

export function accountRoutes(office: FastifyInstance, runtime: Runtime): void {
  const app = office.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const limit = runtime.config.loginRateLimit;
  // Ended sessions and spent links are of no use to anyone: delete them at start, then hourly.
  hourly(office, "deleting old sessions", () => purgeExpiredSessions(pool));
  hourly(office, "deleting old login counts", () => purgeLoginState(pool));
  // The known-device cookie goes only to the login form's address; it proves a browser once
  // logged in to an account, nothing more (it opens no session).
  const deviceCookie = {
    path: "/office/login",
    httpOnly: true,
    sameSite: "strict",
    secure: secureCookies(runtime.config.publicUrl),
    maxAge: DEVICE_COOKIE_DAYS * 24 * 3600,
  } as const;
  // Per address, loopback included: guessing passwords from the same machine is still guessing.
  const rateLimit = limit > 0 ? { max: limit, timeWindow: "15 minutes", allowList: () => false } : false;
  const signedIn = [guard(canSeeOffice), app.csrfProtection];
  languageRoutes(office, runtime);

  app.get(
    "/office/login",
    { schema: { querystring: LoginQuery, response: formResponses() } },
    async (request, reply) => {
      const { next, done } = request.query;
      if (request.officeUser) return reply.redirect(safeNext(next), 303);
      const notice =
        done === "reset"
          ? ot("office.account.notice.passwordSet")
          : done === "out"
            ? ot("office.account.notice.loggedOut")
            : undefined;
      return sendPage(reply, LoginPage({ csrf: reply.generateCsrf(), next: safeNext(next), notice }));
    },
  );

  app.post(
    "/office/login",
    {
      ...formRoute(LoginForm, { preValidation: [app.csrfProtection], response: formResponses(401, 429) }),
      config: { rateLimit },
    },
    async (request, reply) => {
      // A field too long to be anyone's is no account either: the same answer as a wrong password.
      const valid = Object.keys(formErrors(request)).length === 0;
      const email = normalizeEmail((valid && request.body.email) || "");
      const password = (valid && request.body.password) || "";
      const next = safeNext(request.body.next);
      const page = (error: string, status: number) =>
        sendPage(reply, LoginPage({ csrf: reply.generateCsrf(), next, email, error }), status);
      const attempt = { address: request.ip, email, deviceToken: request.cookies[DEVICE_COOKIE] };
      // Counted (or refused) before anything about the email is looked up: the same steps and
      // answers whether it has an account or not.
      const admission = await admitLogin(pool, attempt);
      if (admission.kind === "blocked") {
        const wait = retryAfter(admission.waitMs);
        reply.header("retry-after", String(wait.seconds));
        return page(ot("office.account.blocked", { wait: wait.words }), 429);
      }
      const user = email ? await findUserByEmail(pool, email) : undefined;
      // An unknown email, a disabled account or one still invited is checked against a dummy
      // hash, so it costs the time a wrong password does.
      const ok = await checkPassword(user && !user.disabledAt ? user.passwordHash : null, password);
      if (!user || !ok) return page(ot("office.account.noMatch"), 401);
      const device = await loginSucceeded(pool, admission, attempt, user.id);
      reply.setCookie(DEVICE_COOKIE, device, deviceCookie);
      await signIn(request, reply, runtime, user.id);
      return reply.redirect(next, 303);
    },
  );

  app.post(
    "/office/logout",
    formRoute(EmptyForm, { preValidation: signedIn, response: formResponses() }),
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await endSession(pool, token);
      signOut(reply, runtime);
      return reply.redirect("/office/login?done=out", 303);
    },
  );

  app.post(
    "/office/logout-everywhere",
    formRoute(EmptyForm, { preValidation: signedIn, response: formResponses() }),
    async (request, reply) => {
      const user = currentUser(request);
      await withTransaction(pool, async (client) => {
        const ended = await endAllSessions(client, user.id);
        await audit(client, actorOf(user), "logout_everywhere", "user", user.id, null, {
          sessionsEnded: ended,
        });
      });
      signOut(reply, runtime);
      return reply.redirect("/office/login?done=out", 303);
    },
  );

  app.get("/office/reset", { schema: { response: pageResponses() } }, async (_request, reply) =>
    sendPage(reply, ResetRequestPage({ csrf: reply.generateCsrf() })),
  );

  app.post(
    "/office/reset",
    {
      ...formRoute(ResetForm, { preValidation: [app.csrfProtection], response: pageResponses(400) }),
      config: { rateLimit },
    },
    async (request, reply) => {
      const errors = formErrors(request);
      if (Object.keys(errors).length > 0) {
        const email = formValues(request).email;
        return sendPage(reply, ResetRequestPage({ csrf: reply.generateCsrf(), email, errors }), 400);
      }
      const email = normalizeEmail(request.body.email);
      const user = await findUserByEmail(pool, email);
      if (user && !user.disabledAt) {
        const token = await issueAccountToken(pool, user.id, "reset");
        // In the language the person chose for the back office, else the one asking's browser's.
        const locale = await chosenLocale(pool, user.id);
        const m = locale ? messagesFor(locale) : officeMessages();
        await runtime.mailer.send({
          to: user.email,
          subject: m.t("office.mail.reset.subject"),
          text: m.t("office.mail.reset.body", {
            email: user.email,
            url: `${runtime.config.publicUrl}/office/reset/${token}`,
          }),
        });
      }
      return sendPage(reply, ResetRequestPage({ csrf: reply.generateCsrf(), email, sent: true }));
    },
  );

  for (const purpose of ["reset", "invite"] as const) {
    const expired = () =>
      new Problem(
        404,
        "link_expired",
        ot(purpose === "invite" ? "office.account.inviteExpired" : "office.account.resetExpired"),
      );
    const Form = ChooseForms[purpose];

    app.get(
      `/office/${purpose}/:token`,
      { schema: { params: TokenParams, response: pageResponses(404) } },
      async (request, reply) => {
        const { token } = request.params;
        const found = await findAccountToken(pool, token, purpose);
        if (!found) throw expired();
        const { email, name } = found.user;
        return sendPage(reply, ChoosePage({ csrf: reply.generateCsrf(), purpose, token, email, name }));
      },
    );

    app.post(
      `/office/${purpose}/:token`,
      {
        ...formRoute(Form, {
          params: TokenParams,
          preValidation: [app.csrfProtection],
          response: formResponses(404, 422),
        }),
        config: { rateLimit },
      },
      async (request, reply) => {
        const { token } = request.params;
        const found = await findAccountToken(pool, token, purpose);
        if (!found) throw expired();
        const errors = formErrors(request);
        const values = formValues(request);
        const body: { name?: string; password?: string } = request.body;
        const name = purpose === "invite" ? (body.name ?? "") : "";
        const password = body.password ?? "";
        const weak = errors.password ? undefined : passwordRule(password, found.user.email);
        if (weak) errors.password = `office.account.password.${weak}`;
        if (Object.keys(errors).length > 0) {
          const page = {
            csrf: reply.generateCsrf(),
            purpose,
            token,
            email: found.user.email,
            name: values.name,
          };
          return sendPage(reply, ChoosePage({ ...page, errors }), 422);
        }
        const passwordHash = await hashPassword(password);
        const used = await withTransaction(pool, async (client) => {
          // The account first, then the link: a reset and an invitation of the same person sent
          // at once wait for each other here, and the second finds its link ended by the first.
          const before = await getUser(client, found.user.id, true);
          if (!(await consumeAccountToken(client, token, purpose))) return false;
          await setPassword(client, found.user, passwordHash, name);
          // A new password ends every session, in case the old one was known to someone else.
          await endAllSessions(client, found.user.id);
          await audit(
            client,
            { id: found.user.id, label: found.user.email },
            purpose === "invite" ? "accept_invitation" : "reset_password",
            "user",
            found.user.id,
            { name: before?.name },
            { name: purpose === "invite" ? name : before?.name },
          );
          return true;
        });
        if (!used) throw expired();
        // Choosing a password through the link is a login: this browser becomes a known device.
        const device = await rememberDevice(pool, found.user.id, request.cookies[DEVICE_COOKIE]);
        reply.setCookie(DEVICE_COOKIE, device, deviceCookie);
        await signIn(request, reply, runtime, found.user.id);
        return reply.redirect(OFFICE, 303);
      },
    );
  }
}
