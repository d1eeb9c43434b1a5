import type pg from "pg";

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
}

export interface UserRow extends OfficeUser {
  passwordHash: string | null;
  failedLogins: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

type Db = pg.Pool | pg.PoolClient;

export const USER_COLUMNS = `id, email, name, role, section_ids, languages, password_hash, failed_logins,
  locked_until, disabled_at, created_at`;

export function userFromRow(row: Record<string, unknown>): UserRow {
  return {
    id: row.id as number,
    email: row.email as string,
    name: row.name as string,
    role: row.role as Role,
    sectionIds: row.section_ids as number[],
    languages: row.languages as string[],
    passwordHash: row.password_hash as string | null,
    failedLogins: row.failed_logins as number,
    lockedUntil: row.locked_until as Date | null,
    disabledAt: row.disabled_at as Date | null,
    createdAt: row.created_at as Date,
  };
}

/** What the audit log keeps of an account: never the password hash. */
export function auditView(user: UserRow): Record<string, unknown> {
  const { passwordHash: _hash, failedLogins: _failed, lockedUntil: _locked, ...rest } = user;
  return { ...rest, hasPassword: user.passwordHash !== null };
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const result = await db.query(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [
    normalizeEmail(email),
  ]);
  return result.rows[0] ? userFromRow(result.rows[0]) : undefined;
}

export async function getUser(db: Db, id: number, lock = false): Promise<UserRow | undefined> {
  const result = await db.query(
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
  const result = await db.query(
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
  return userFromRow(result.rows[0]);
}
