import { randomBytes } from "node:crypto";
import type pg from "pg";
import { hashToken, newToken } from "./tokens.js";
import { type OfficeUser, type OfficeUserDbRow, officeUserFromRow } from "./users.js";

// Server-side sessions: the cookie holds a random token, the database its hash. A session ends
// after 12 idle hours or 14 days, on logout, on "log out everywhere", on a password change,
// and when the account is disabled. Each session has its own CSRF secret, made when it opens.

export const SESSION_COOKIE = "inkwell_session";
export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 14 * 24 * 3600_000;
// Writing last_seen_at on every request would turn each page view into a write.
const TOUCH_EVERY_MS = 5 * 60_000;

/** A secret as @fastify/csrf makes them (18 random bytes, base64url). */
export const newCsrfSecret = (): string => randomBytes(18).toString("base64url");

export async function createSession(
  db: pg.Pool | pg.PoolClient,
  userId: number,
  client: { ip?: string; userAgent?: string } = {},
  csrfSecret: string = newCsrfSecret(),
): Promise<string> {
  const token = newToken();
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent, csrf_secret)
     VALUES ($1, $2, now() + $3 * interval '1 millisecond', $4, $5, $6)`,
    [
      hashToken(token),
      userId,
      SESSION_MAX_MS,
      client.ip ?? null,
      client.userAgent?.slice(0, 300) ?? null,
      csrfSecret,
    ],
  );
  return token;
}

interface SessionRow extends OfficeUserDbRow {
  last_seen_at: Date;
  csrf_secret: string;
}

export interface Session {
  user: OfficeUser;
  /** What the session's forms' CSRF tokens are made from and checked against. */
  csrfSecret: string;
}

/** The account behind a session token, if the session is alive and the account enabled. */
export async function sessionOf(db: pg.Pool, token: string): Promise<Session | undefined> {
  const tokenHash = hashToken(token);
  const result = await db.query<SessionRow>(
    `SELECT u.id, u.email, u.name, u.role, u.section_ids, u.languages, u.locale, s.last_seen_at, s.csrf_secret
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now()
        AND s.last_seen_at > now() - $2 * interval '1 millisecond' AND u.disabled_at IS NULL`,
    [tokenHash, SESSION_IDLE_MS],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await db.query("UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1", [tokenHash]);
  }
  return { user: officeUserFromRow(row), csrfSecret: row.csrf_secret };
}

export async function endSession(db: pg.Pool | pg.PoolClient, token: string): Promise<void> {
  await db.query("DELETE FROM sessions WHERE token_hash = $1", [hashToken(token)]);
}

/** Ends every session of an account; returns how many there were. */
export async function endAllSessions(db: pg.Pool | pg.PoolClient, userId: number): Promise<number> {
  const result = await db.query("DELETE FROM sessions WHERE user_id = $1", [userId]);
  return result.rowCount ?? 0;
}

/** Deletes sessions past their end and one-time links past theirs; returns how many rows went. */
export async function purgeExpiredSessions(db: pg.Pool): Promise<number> {
  const result = await db.query<{ n: string }>(
    `WITH s AS (
       DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - $1 * interval '1 millisecond'
       RETURNING 1
     ), t AS (
       DELETE FROM account_tokens WHERE expires_at <= now() OR used_at IS NOT NULL RETURNING 1
     )
     SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM t) AS n`,
    [SESSION_IDLE_MS],
  );
  return Number(result.rows[0]?.n ?? 0);
}
