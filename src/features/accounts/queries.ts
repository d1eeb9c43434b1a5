import type pg from "pg";
import { isUiLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { type Role, USER_COLUMNS, type UserDbRow, type UserRow, userFromRow } from "../office/index.js";
import { emailKeySql, forgetLoginState } from "./throttle.js";

// The SQL of the account pages, each query with the type of its rows.

type Db = pg.Pool | pg.PoolClient;

export interface SectionChoice {
  id: number;
  country: string;
  name: string;
}

/** Every section, for the account form's checkboxes (country codes are char(2), trimmed here). */
export async function sectionChoices(db: Db): Promise<SectionChoice[]> {
  const result = await db.query<SectionChoice>("SELECT id, country, name FROM sections ORDER BY name");
  return result.rows.map((row) => ({ ...row, country: row.country.trim() }));
}

export interface ListedUser extends UserRow {
  /** Until when logins from browsers that are not the account's known devices are refused. */
  lockedUntil: Date | null;
}

export async function listUsers(db: Db): Promise<ListedUser[]> {
  const result = await db.query<UserDbRow & { locked_until: Date | null }>(
    `SELECT ${USER_COLUMNS},
            (SELECT blocked_until FROM login_failures f
              WHERE f.key = ${emailKeySql("users.email")} AND f.blocked_until > now()) AS locked_until
       FROM users ORDER BY role, email`,
  );
  return result.rows.map((row) => ({ ...userFromRow(row), lockedUntil: row.locked_until }));
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  const result = await db.query<{ one: number }>("SELECT 1 AS one FROM users WHERE email = $1", [email]);
  return (result.rowCount ?? 0) > 0;
}

export interface AccountChange {
  name: string;
  role: Role;
  sectionIds: number[];
  languages: string[];
  disabled: boolean;
}

/** Saves an admin's change of an account; a disabled account keeps the time it was disabled. */
export async function updateUser(client: pg.PoolClient, id: number, change: AccountChange): Promise<UserRow> {
  const result = await client.query<UserDbRow>(
    `UPDATE users SET name = $2, role = $3, section_ids = $4, languages = $5,
            disabled_at = CASE WHEN $6 THEN coalesce(disabled_at, now()) ELSE NULL END
      WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, change.name, change.role, change.sectionIds, change.languages, change.disabled],
  );
  return userFromRow(result.rows[0] as UserDbRow);
}

/**
 * Sets the password chosen through a one-time link (and the name, for an invitation). This is
 * the one place a password changes (a new account gets its first one in insertUser), so it ends
 * every other outstanding link of the account: an invitation left unused after a reset, or a
 * reset link after an invitation, must not replace the password just chosen.
 */
export async function setPassword(
  client: pg.PoolClient,
  user: { id: number; email: string },
  passwordHash: string,
  name: string,
) {
  await client.query(
    "UPDATE users SET password_hash = $2, name = CASE WHEN $3 = '' THEN name ELSE $3 END WHERE id = $1",
    [user.id, passwordHash, name],
  );
  await client.query("UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", [
    user.id,
  ]);
  await forgetLoginState(client, user.id, user.email);
}

/** The back office language an account chose, if any (emails to it are written in it). */
export async function chosenLocale(db: Db, userId: number): Promise<UiLocale | undefined> {
  const result = await db.query<{ locale: string | null }>("SELECT locale FROM users WHERE id = $1", [
    userId,
  ]);
  const locale = result.rows[0]?.locale;
  return locale && isUiLocale(locale) ? locale : undefined;
}
