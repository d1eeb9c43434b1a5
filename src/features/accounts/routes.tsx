import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { Problem } from "../../platform/http/problems.js";
import { hourly } from "../../platform/jobs/hourly.js";
import {
  actorOf,
  audit,
  CsrfField,
  canSeeOffice,
  clearSessionCookie,
  createSession,
  currentUser,
  ErrorSummary,
  type Errors,
  endAllSessions,
  endSession,
  Field,
  findUserByEmail,
  formOf,
  getUser,
  guard,
  Notice,
  normalizeEmail,
  OFFICE,
  OfficeLayout,
  purgeExpiredSessions,
  SESSION_COOKIE,
  safeNext,
  sendPage,
  setSessionCookie,
  text,
} from "../office/index.js";
import { consumeAccountToken, findAccountToken, issueAccountToken } from "./account-tokens.js";
import { checkPassword, hashPassword, passwordProblem } from "./passwords.js";

// Logging in and out, password resets and accepting invitations.

const LOCK_AFTER = 5;
const LOCK_MINUTES = 15;

export function accountRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const limit = runtime.config.loginRateLimit;
  // Ended sessions and spent links are of no use to anyone: delete them at start, then hourly.
  hourly(app, "deleting old sessions", () => purgeExpiredSessions(pool));
  // Per address, loopback included: guessing passwords from the same machine is still guessing.
  const rateLimit = limit > 0 ? { max: limit, timeWindow: "15 minutes", allowList: () => false } : false;

  const loginPage = (
    reply: FastifyReply,
    o: { next: string; email?: string; error?: string; notice?: string },
    status = 200,
  ) =>
    sendPage(
      reply,
      <OfficeLayout title="Log in">
        {o.notice ? <Notice>{o.notice}</Notice> : null}
        {o.error ? (
          <div class="error-summary" role="alert">
            <p>{o.error}</p>
          </div>
        ) : null}
        <form class="stack" method="post" action="/office/login">
          <CsrfField token={reply.generateCsrf()} />
          <input type="hidden" name="next" value={o.next} />
          <Field
            name="email"
            label="Email"
            type="email"
            value={o.email}
            required
            attrs={{ autocomplete: "username" }}
          />
          <Field
            name="password"
            label="Password"
            type="password"
            required
            attrs={{ autocomplete: "current-password" }}
          />
          <button type="submit">Log in</button>
        </form>
        <p>
          <a href="/office/reset">Forgot your password?</a>
        </p>
      </OfficeLayout>,
      status,
    );

  app.get("/office/login", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (request.officeUser) return reply.redirect(safeNext(query.next), 303);
    const notice =
      query.done === "reset"
        ? "Your password is set. Please log in."
        : query.done === "out"
          ? "You are logged out."
          : undefined;
    return loginPage(reply, { next: safeNext(query.next), notice });
  });

  app.post(
    "/office/login",
    { preHandler: app.csrfProtection, config: { rateLimit } },
    async (request, reply) => {
      const body = formOf(request.body);
      const email = normalizeEmail(text(body, "email"));
      const password = text(body, "password");
      const next = safeNext(text(body, "next"));
      const user = email ? await findUserByEmail(pool, email) : undefined;
      if (user?.lockedUntil && user.lockedUntil > new Date()) {
        const minutes = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 60_000);
        reply.header("retry-after", String(minutes * 60));
        return loginPage(
          reply,
          {
            next,
            email,
            error: `Too many failed attempts. This account is locked for ${minutes} more minute(s).`,
          },
          429,
        );
      }
      const ok = await checkPassword(user && !user.disabledAt ? user.passwordHash : null, password);
      if (!user || !ok) {
        if (user) {
          // Count failures; the fifth in a row locks the account for a while.
          await pool.query(
            `UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                    locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + $3 * interval '1 minute' ELSE locked_until END
              WHERE id = $1`,
            [user.id, LOCK_AFTER, LOCK_MINUTES],
          );
        }
        return loginPage(
          reply,
          { next, email, error: "That email and password do not match an account." },
          401,
        );
      }
      await pool.query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", [user.id]);
      const token = await createSession(pool, user.id, {
        ip: request.ip,
        userAgent: request.headers["user-agent"],
      });
      setSessionCookie(request, reply, token);
      return reply.redirect(next, 303);
    },
  );

  app.post(
    "/office/logout",
    { preHandler: [guard(canSeeOffice), app.csrfProtection] },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await endSession(pool, token);
      clearSessionCookie(reply);
      return reply.redirect("/office/login?done=out", 303);
    },
  );

  app.post(
    "/office/logout-everywhere",
    { preHandler: [guard(canSeeOffice), app.csrfProtection] },
    async (request, reply) => {
      const user = currentUser(request);
      await withTransaction(pool, async (client) => {
        const ended = await endAllSessions(client, user.id);
        await audit(client, actorOf(user), "logout_everywhere", "user", user.id, null, {
          sessionsEnded: ended,
        });
      });
      clearSessionCookie(reply);
      return reply.redirect("/office/login?done=out", 303);
    },
  );

  // Password reset: the answer is the same whether or not the email has an account.
  const resetRequestPage = (reply: FastifyReply, o: { email?: string; sent?: boolean }) =>
    sendPage(
      reply,
      <OfficeLayout title="Reset your password">
        {o.sent ? (
          <Notice>
            If {o.email} has an account, we have sent it a link to choose a new password. The link works for
            one hour.
          </Notice>
        ) : null}
        <form class="stack" method="post" action="/office/reset">
          <CsrfField token={reply.generateCsrf()} />
          <Field
            name="email"
            label="Email"
            type="email"
            value={o.email}
            required
            attrs={{ autocomplete: "username" }}
          />
          <button type="submit">Send me a link</button>
        </form>
      </OfficeLayout>,
    );

  app.get("/office/reset", async (_request, reply) => resetRequestPage(reply, {}));

  app.post(
    "/office/reset",
    { preHandler: app.csrfProtection, config: { rateLimit } },
    async (request, reply) => {
      const email = normalizeEmail(text(formOf(request.body), "email"));
      if (!email.includes("@")) throw new Problem(400, "invalid_email", "Please enter an email address.");
      const user = await findUserByEmail(pool, email);
      if (user && !user.disabledAt) {
        const token = await issueAccountToken(pool, user.id, "reset");
        await runtime.mailer.send({
          to: user.email,
          subject: "Choose a new Inkwell password",
          text: `Someone (hopefully you) asked to reset the password of ${user.email}.\n\nChoose a new password here within one hour:\n${runtime.config.publicUrl}/office/reset/${token}\n\nIf it was not you, ignore this email; your password stays as it is.`,
        });
      }
      return resetRequestPage(reply, { email, sent: true });
    },
  );

  // One page for both one-time links: a reset asks for a password, an invitation also for a name.
  const choosePage = (
    reply: FastifyReply,
    o: { purpose: "reset" | "invite"; token: string; email: string; name?: string; errors?: Errors },
    status = 200,
  ) =>
    sendPage(
      reply,
      <OfficeLayout title={o.purpose === "invite" ? "Welcome to Inkwell" : "Choose a new password"}>
        <ErrorSummary errors={o.errors ?? {}} />
        <form class="stack" method="post" action={`/office/${o.purpose}/${o.token}`}>
          <CsrfField token={reply.generateCsrf()} />
          <p>
            Account: <strong>{o.email}</strong>
          </p>
          {o.purpose === "invite" ? (
            <Field
              name="name"
              label="Your name"
              value={o.name}
              errors={o.errors}
              required
              attrs={{ autocomplete: "name" }}
            />
          ) : null}
          <Field
            name="password"
            label="New password"
            type="password"
            hint="At least 10 characters. A few words you will remember make a good password."
            errors={o.errors}
            required
            attrs={{ autocomplete: "new-password" }}
          />
          <button type="submit">Save and continue</button>
        </form>
      </OfficeLayout>,
      status,
    );

  for (const purpose of ["reset", "invite"] as const) {
    const expired = () =>
      new Problem(
        404,
        "link_expired",
        purpose === "invite"
          ? "This invitation link has expired or was already used. Ask an admin to send a new one."
          : "This link has expired or was already used. Ask for a new one on the password reset page.",
      );

    app.get(`/office/${purpose}/:token`, async (request, reply) => {
      const { token } = request.params as { token: string };
      const found = await findAccountToken(pool, token, purpose);
      if (!found) throw expired();
      return choosePage(reply, { purpose, token, email: found.user.email, name: found.user.name });
    });

    app.post(
      `/office/${purpose}/:token`,
      { preHandler: app.csrfProtection, config: { rateLimit } },
      async (request: FastifyRequest, reply) => {
        const { token } = request.params as { token: string };
        const body = formOf(request.body);
        const found = await findAccountToken(pool, token, purpose);
        if (!found) throw expired();
        const name = text(body, "name");
        const password = text(body, "password");
        const errors: Errors = {};
        if (purpose === "invite" && (name.length === 0 || name.length > 100))
          errors.name = "Please enter your name (up to 100 characters).";
        const weak = passwordProblem(password, found.user.email);
        if (weak) errors.password = weak;
        if (Object.keys(errors).length > 0) {
          return choosePage(reply, { purpose, token, email: found.user.email, name, errors }, 422);
        }
        const passwordHash = await hashPassword(password);
        const used = await withTransaction(pool, async (client) => {
          if (!(await consumeAccountToken(client, token, purpose))) return false;
          const before = await getUser(client, found.user.id, true);
          await client.query(
            `UPDATE users SET password_hash = $2, name = CASE WHEN $3 = '' THEN name ELSE $3 END,
                    failed_logins = 0, locked_until = NULL WHERE id = $1`,
            [found.user.id, passwordHash, purpose === "invite" ? name : ""],
          );
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
        const session = await createSession(pool, found.user.id, {
          ip: request.ip,
          userAgent: request.headers["user-agent"],
        });
        setSessionCookie(request, reply, session);
        return reply.redirect(OFFICE, 303);
      },
    );
  }
}
