import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import { canonicalLanguage, isEmail, normalizeEmail } from "../../platform/rules.js";
import { type Actor, audit, auditView, insertUser, ROLES, type Role, type UserRow } from "../office/index.js";
import { issueAccountToken } from "./account-tokens.js";
import { hashPassword, passwordProblem } from "./passwords.js";

// Making an account outside the back office: the first admin from the command line, and the
// demo's accounts. With a password the account is ready; without one, an invitation link is
// returned for the person to choose it.

export class AccountInputError extends Error {}

export interface AccountInput {
  email: string;
  role: string;
  name?: string;
  /** Section countries (ISO alpha-2). */
  countries?: string[];
  languages?: string[];
  password?: string;
}

export async function createAccount(
  pool: pg.Pool,
  input: AccountInput,
  actor: Actor,
): Promise<{ user: UserRow; inviteToken?: string }> {
  const email = normalizeEmail(input.email);
  if (!isEmail(email)) throw new AccountInputError(`Not an email address: ${input.email}`);
  if (!ROLES.includes(input.role as Role)) {
    throw new AccountInputError(`Unknown role "${input.role}"; use one of ${ROLES.join(", ")}.`);
  }
  const weak = input.password === undefined ? undefined : passwordProblem(input.password, email);
  if (weak) throw new AccountInputError(weak);
  const languages = (input.languages ?? []).map((tag) => {
    const canonical = canonicalLanguage(tag.trim());
    if (!canonical) throw new AccountInputError(`Not a language tag: ${tag}`);
    return canonical;
  });
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return withTransaction(pool, async (client) => {
    const countries = (input.countries ?? []).map((c) => c.trim().toUpperCase());
    const found = await client.query<{ id: number; country: string }>(
      "SELECT id, country FROM sections WHERE country = ANY($1)",
      [countries],
    );
    const missing = countries.filter((c) => !found.rows.some((r) => r.country.trim() === c));
    if (missing.length > 0) throw new AccountInputError(`No section for: ${missing.join(", ")}`);
    const taken = await client.query("SELECT 1 FROM users WHERE email = $1", [email]);
    if (taken.rowCount) throw new AccountInputError(`${email} already has an account.`);
    const user = await insertUser(client, {
      email,
      name: input.name ?? "",
      role: input.role as Role,
      sectionIds: found.rows.map((r) => r.id),
      languages,
      passwordHash,
    });
    await audit(client, actor, "create", "user", user.id, null, auditView(user));
    const inviteToken = passwordHash ? undefined : await issueAccountToken(client, user.id, "invite");
    return { user, inviteToken };
  });
}
