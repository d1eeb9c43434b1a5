import type { FastifyInstance, FastifyReply } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import {
  actorOf,
  audit,
  auditView,
  Checkbox,
  CsrfField,
  canManageUsers,
  checked,
  currentUser,
  ErrorSummary,
  type Errors,
  endAllSessions,
  Field,
  type FormBody,
  formatTime,
  formOf,
  getUser,
  guard,
  insertUser,
  list,
  Notice,
  normalizeEmail,
  notFound,
  OfficeLayout,
  ROLES,
  type Role,
  sendPage,
  text,
  USER_COLUMNS,
  type UserRow,
  userFromRow,
} from "../office/index.js";
import { issueAccountToken } from "./account-tokens.js";

// Accounts, managed by admins: invite a person with a role (and their sections or languages),
// change it later, disable it. The person chooses their own password through the invitation.

const ROLE_HELP: Record<Role, string> = {
  admin: "everything, including accounts and the audit log",
  coordinator: "their sections: languages, featured cases, goal, moderation, reports",
  translator: "translations into their languages",
  organizer: "their own events and their reports",
};

interface Draft {
  email: string;
  name: string;
  role: string;
  sectionIds: number[];
  languages: string[];
  disabled: boolean;
}

function draftOf(body: FormBody): Draft {
  return {
    email: normalizeEmail(text(body, "email")),
    name: text(body, "name"),
    role: text(body, "role"),
    sectionIds: list(body, "sections").map(Number),
    languages: text(body, "languages")
      .split(/[\s,]+/)
      .filter((l) => l.length > 0),
    disabled: checked(body, "disabled"),
  };
}

function canonicalLanguage(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

function validate(draft: Draft, knownSections: Set<number>, isNew: boolean): Errors {
  const errors: Errors = {};
  if (isNew && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(draft.email)) errors.email = "Enter an email address.";
  if (draft.name.length > 100) errors.name = "Use at most 100 characters.";
  if (!ROLES.includes(draft.role as Role)) errors.role = "Choose a role.";
  if (draft.sectionIds.some((id) => !knownSections.has(id)))
    errors.sections = "Choose sections from the list.";
  else if (draft.role === "coordinator" && draft.sectionIds.length === 0)
    errors.sections = "A coordinator needs at least one section.";
  const bad = draft.languages.filter((l) => !canonicalLanguage(l));
  if (bad.length > 0)
    errors.languages = `Not a language tag: ${bad.join(", ")}. Use tags like es, fr, pt-BR.`;
  else if (draft.role === "translator" && draft.languages.length === 0)
    errors.languages = "A translator needs at least one language.";
  return errors;
}

function statusOf(user: UserRow): string {
  if (user.disabledAt) return "disabled";
  if (!user.passwordHash) return "invited";
  if (user.lockedUntil && user.lockedUntil > new Date()) return "locked";
  return "active";
}

export function userRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const guarded = { preHandler: guard(canManageUsers) };
  const posting = { preHandler: [guard(canManageUsers), app.csrfProtection] };

  const sections = async () =>
    (await pool.query("SELECT id, country, name FROM sections ORDER BY name")).rows as {
      id: number;
      country: string;
      name: string;
    }[];

  /** Mails an invitation link issued (with its audit entry) in a committed transaction. */
  async function invite(user: UserRow, token: string): Promise<void> {
    await runtime.mailer.send({
      to: user.email,
      subject: "You are invited to the Inkwell back office",
      text: `Hello${user.name ? ` ${user.name}` : ""},\n\nYou have been given a ${user.role} account in the Inkwell back office (${ROLE_HELP[user.role]}).\n\nChoose your password here within seven days:\n${runtime.config.publicUrl}/office/invite/${token}\n\nIf you did not expect this, you can ignore this email.`,
    });
  }

  const formPage = async (
    reply: FastifyReply,
    o: { me: UserRow | { id: number }; user?: UserRow; draft: Draft; errors?: Errors; notice?: string },
    status = 200,
  ) => {
    const all = await sections();
    const isNew = !o.user;
    const admin = currentUser(reply.request);
    return sendPage(
      reply,
      <OfficeLayout
        title={isNew ? "Invite a person" : `Account: ${o.user?.email}`}
        user={admin}
        csrf={reply.generateCsrf()}
        current="/office/users"
      >
        {o.notice ? <Notice>{o.notice}</Notice> : null}
        <ErrorSummary errors={o.errors ?? {}} />
        <form class="stack" method="post" action={isNew ? "/office/users" : `/office/users/${o.user?.id}`}>
          <CsrfField token={reply.generateCsrf()} />
          {isNew ? (
            <Field name="email" label="Email" type="email" value={o.draft.email} errors={o.errors} required />
          ) : null}
          <Field
            name="name"
            label="Name"
            value={o.draft.name}
            errors={o.errors}
            hint="Optional; they can set it."
          />
          <Field
            name="role"
            label="Role"
            value={o.draft.role}
            errors={o.errors}
            options={ROLES.map((r) => [r, `${r}: ${ROLE_HELP[r]}`])}
          />
          <fieldset class="field">
            <legend>Sections (coordinators and organizers)</legend>
            {o.errors?.sections ? (
              <p class="error" id="f-sections">
                {o.errors.sections}
              </p>
            ) : null}
            {all.map((s) => (
              <Checkbox
                name="sections"
                value={String(s.id)}
                label={`${s.name} (${s.country.trim()})`}
                checked={o.draft.sectionIds.includes(s.id)}
              />
            ))}
          </fieldset>
          <Field
            name="languages"
            label="Languages (translators)"
            value={o.draft.languages.join(", ")}
            errors={o.errors}
            hint="Language tags separated by commas, e.g. es, pt-BR."
          />
          {isNew ? null : (
            <Checkbox
              name="disabled"
              label="Disabled (cannot log in; all sessions end)"
              checked={o.draft.disabled}
            />
          )}
          <button type="submit">{isNew ? "Send the invitation" : "Save"}</button>
        </form>
        {o.user && !o.user.passwordHash && !o.user.disabledAt ? (
          <form method="post" action={`/office/users/${o.user.id}/invite`}>
            <CsrfField token={reply.generateCsrf()} />
            <button type="submit" class="secondary">
              Send the invitation again
            </button>
          </form>
        ) : null}
      </OfficeLayout>,
      status,
    );
  };

  app.get("/office/users", guarded, async (request, reply) => {
    const me = currentUser(request);
    const users = (await pool.query(`SELECT ${USER_COLUMNS} FROM users ORDER BY role, email`)).rows.map(
      userFromRow,
    );
    const names = new Map((await sections()).map((s) => [s.id, s.country.trim()]));
    const query = request.query as Record<string, string | undefined>;
    return sendPage(
      reply,
      <OfficeLayout title="Accounts" user={me} csrf={reply.generateCsrf()} current="/office/users">
        {query.done === "invited" ? <Notice>The invitation is on its way.</Notice> : null}
        {query.done === "saved" ? <Notice>Saved.</Notice> : null}
        <p>
          <a class="button" href="/office/users/new">
            Invite a person
          </a>
        </p>
        <table>
          <caption class="sr-only">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Sections</th>
              <th scope="col">Languages</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td>
                  <a href={`/office/users/${u.id}`}>{u.email}</a>
                </td>
                <td>{u.name}</td>
                <td>{u.role}</td>
                <td>{u.sectionIds.map((id) => names.get(id) ?? id).join(", ")}</td>
                <td>{u.languages.join(", ")}</td>
                <td>{statusOf(u)}</td>
                <td>{formatTime(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </OfficeLayout>,
    );
  });

  app.get("/office/users/new", guarded, async (request, reply) =>
    formPage(reply, {
      me: currentUser(request),
      draft: { email: "", name: "", role: "organizer", sectionIds: [], languages: [], disabled: false },
    }),
  );

  app.post("/office/users", posting, async (request, reply) => {
    const me = currentUser(request);
    const draft = draftOf(formOf(request.body));
    const known = new Set((await sections()).map((s) => s.id));
    const errors = validate(draft, known, true);
    if (Object.keys(errors).length > 0) return formPage(reply, { me, draft, errors }, 422);
    const languages = draft.languages.map((l) => canonicalLanguage(l) as string);
    const created = await withTransaction(pool, async (client) => {
      const taken = await client.query("SELECT 1 FROM users WHERE email = $1", [draft.email]);
      if (taken.rowCount) return undefined;
      const user = await insertUser(client, { ...draft, role: draft.role as Role, languages });
      await audit(client, actorOf(me), "invite", "user", user.id, null, auditView(user));
      return { user, token: await issueAccountToken(client, user.id, "invite") };
    });
    if (!created) {
      return formPage(reply, { me, draft, errors: { email: "This email already has an account." } }, 422);
    }
    await invite(created.user, created.token);
    return reply.redirect("/office/users?done=invited", 303);
  });

  const userParam = async (id: string, lock = false) => {
    const user = /^\d{1,9}$/.test(id) ? await getUser(pool, Number(id), lock) : undefined;
    if (!user) throw notFound("This account");
    return user;
  };

  app.get("/office/users/:id", guarded, async (request, reply) => {
    const user = await userParam((request.params as { id: string }).id);
    return formPage(reply, {
      me: currentUser(request),
      user,
      draft: { ...user, disabled: user.disabledAt !== null },
    });
  });

  app.post("/office/users/:id", posting, async (request, reply) => {
    const me = currentUser(request);
    const user = await userParam((request.params as { id: string }).id);
    const draft = { ...draftOf(formOf(request.body)), email: user.email };
    const known = new Set((await sections()).map((s) => s.id));
    const errors = validate(draft, known, false);
    if (user.id === me.id && (draft.role !== "admin" || draft.disabled)) {
      errors.role = "You cannot remove your own admin role or disable yourself; ask another admin.";
    }
    if (Object.keys(errors).length > 0) return formPage(reply, { me, user, draft, errors }, 422);
    const languages = draft.languages.map((l) => canonicalLanguage(l) as string);
    await withTransaction(pool, async (client) => {
      const before = await getUser(client, user.id, true);
      if (!before) throw notFound("This account");
      const result = await client.query(
        `UPDATE users SET name = $2, role = $3, section_ids = $4, languages = $5,
                disabled_at = CASE WHEN $6 THEN coalesce(disabled_at, now()) ELSE NULL END
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [user.id, draft.name, draft.role, draft.sectionIds, languages, draft.disabled],
      );
      const after = userFromRow(result.rows[0]);
      // A new role or a disabled account takes effect now, not when old sessions expire.
      if (draft.disabled || before.role !== after.role) await endAllSessions(client, user.id);
      await audit(client, actorOf(me), "update", "user", user.id, auditView(before), auditView(after));
    });
    return reply.redirect("/office/users?done=saved", 303);
  });

  app.post("/office/users/:id/invite", posting, async (request, reply) => {
    const me = currentUser(request);
    const user = await userParam((request.params as { id: string }).id);
    if (user.disabledAt || user.passwordHash) {
      return formPage(
        reply,
        {
          me,
          user,
          draft: { ...user, disabled: user.disabledAt !== null },
          errors: { role: "This account is not waiting for an invitation." },
        },
        409,
      );
    }
    const token = await withTransaction(pool, async (client) => {
      await audit(client, actorOf(me), "reinvite", "user", user.id, null, null);
      return issueAccountToken(client, user.id, "invite");
    });
    await invite(user, token);
    return reply.redirect("/office/users?done=invited", 303);
  });
}
