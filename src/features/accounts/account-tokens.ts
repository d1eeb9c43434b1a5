import type pg from "pg";
import { getUser, hashToken, newToken, type UserRow } from "../office/index.js";

// One-time links sent by email. A reset link works for an hour, an invitation for a week; a
// new link of the same kind replaces the older ones.

export type TokenPurpose = "invite" | "reset";

const LIFETIME_HOURS: Record<TokenPurpose, number> = { reset: 1, invite: 7 * 24 };

export async function issueAccountToken(
  db: pg.Pool | pg.PoolClient,
  userId: number,
  purpose: TokenPurpose,
): Promise<string> {
  const token = newToken();
  await db.query("DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL", [
    userId,
    purpose,
  ]);
  await db.query(
    `INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at)
     VALUES ($1, $2, $3, now() + $4 * interval '1 hour')`,
    [hashToken(token), userId, purpose, LIFETIME_HOURS[purpose]],
  );
  return token;
}

/** The account a live, unused link belongs to. */
export async function findAccountToken(
  db: pg.Pool,
  token: string,
  purpose: TokenPurpose,
): Promise<{ user: UserRow } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const result = await db.query<{ user_id: number }>(
    `SELECT user_id FROM account_tokens
      WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
    [hashToken(token), purpose],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const user = await getUser(db, row.user_id);
  // Setting a password ends the account's links (setPassword); an invitation is also refused
  // on its own once there is a password, as it is only ever for choosing the first one.
  const spent = !user || user.disabledAt || (purpose === "invite" && user.passwordHash);
  return spent ? undefined : { user };
}

/** Marks a link used; false when it was used (or expired) in the meantime. */
export async function consumeAccountToken(
  client: pg.PoolClient,
  token: string,
  purpose: TokenPurpose,
): Promise<boolean> {
  const result = await client.query(
    `UPDATE account_tokens SET used_at = now()
      WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
    [hashToken(token), purpose],
  );
  return result.rowCount === 1;
}
