import type pg from "pg";
import { isUiLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { normalizeEmail } from "../../platform/rules.js";

// Back-office accounts. A person has one role; coordinators and organizers belong to sections,
// translators to languages.

export const ROLES = ["admin", "coordinator", "translator", "organizer"] as const;
export type Role = (typeof ROLES)[number];

export interface OfficeUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  sectionIds: number[];
  languages: string[];
  /** The interface language this person chose; undefined follows the browser's. */
  locale?: UiLocale;
}

export interface UserRow extends OfficeUser {
  passwordHash: string | null;
  disabledAt: Date | null;
  createdAt: Date;
}

type Db = pg.Pool | pg.PoolClient;

export const USER_COLUMNS = `id, email, name, role, section_ids, languages, password_hash, disabled_at,
  created_at`;

/** The columns of users that make an OfficeUser, as PostgreSQL returns them. */
export interface OfficeUserDbRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  section_ids: number[];
  languages: string[];
  /** Read with the session only (sessions.ts), not part of USER_COLUMNS. */
  locale?: string | null;
}

/** A row of USER_COLUMNS, as PostgreSQL returns it. */
export interface UserDbRow extends OfficeUserDbRow {
  password_hash: string | null;
  disabled_at: Date | null;
  created_at: Date;
}

export function officeUserFromRow(row: OfficeUserDbRow): OfficeUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    sectionIds: row.section_ids,
    languages: row.languages,
    ...(row.locale && isUiLocale(row.locale) ? { locale: row.locale } : {}),
  };
}

export function userFromRow(row: UserDbRow): UserRow {
  return {
    ...officeUserFromRow(row),
    passwordHash: row.password_hash,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

/** What the audit log keeps of an account: never the password hash. */
export function auditView(user: UserRow): Record<string, unknown> {
  const { passwordHash: _hash, ...rest } = user;
  return { ...rest, hasPassword: user.passwordHash !== null };
}

export { normalizeEmail };

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const result = await db.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [
    normalizeEmail(email),
  ]);
  return result.rows[0] ? userFromRow(result.rows[0]) : undefined;
}

export async function getUser(db: Db, id: number, lock = false): Promise<UserRow | undefined> {
  const result = await db.query<UserDbRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  return result.rows[0] ? userFromRow(result.rows[0]) : undefined;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  sectionIds?: number[];
  languages?: string[];
  passwordHash?: string | null;
}

export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  const result = await db.query<UserDbRow>(
    `INSERT INTO users (email, name, role, section_ids, languages, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
    [
      normalizeEmail(user.email),
      user.name,
      user.role,
      user.sectionIds ?? [],
      user.languages ?? [],
      user.passwordHash ?? null,
    ],
  );
  return userFromRow(result.rows[0] as UserDbRow);
}
