import type pg from "pg";
import { type Role, USER_COLUMNS, type UserDbRow, type UserRow, userFromRow } from "../office/index.js";

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

export async function listUsers(db: Db): Promise<UserRow[]> {
  const result = await db.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY role, email`);
  return result.rows.map(userFromRow);
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

/** Counts a failed login; the `lockAfter`th in a row locks the account for `minutes`. */
export async function recordFailedLogin(db: Db, id: number, lockAfter: number, minutes: number) {
  await db.query(
    `UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + $3 * interval '1 minute' ELSE locked_until END
      WHERE id = $1`,
    [id, lockAfter, minutes],
  );
}

export async function clearFailedLogins(db: Db, id: number) {
  await db.query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", [id]);
}

/** Sets the password chosen through a one-time link (and the name, for an invitation). */
export async function setPassword(client: pg.PoolClient, id: number, passwordHash: string, name: string) {
  await client.query(
    `UPDATE users SET password_hash = $2, name = CASE WHEN $3 = '' THEN name ELSE $3 END,
            failed_logins = 0, locked_until = NULL WHERE id = $1`,
    [id, passwordHash, name],
  );
}
