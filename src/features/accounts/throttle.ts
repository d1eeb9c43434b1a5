import { createHash } from "node:crypto";
import type pg from "pg";
import { hashToken, newToken } from "../office/index.js";

// Failed logins slow down per client address and per email without letting a stranger lock the
// owner out (docs/ARCHITECTURE.md, "Logging in"):
// - a browser that once logged in to an account carries a known-device cookie; for that account
//   it is held back only by its own count of failures, never by the email's lock or the address's;
// - any other client is counted per address (a growing delay after a few failures, then a lock)
//   and per email (a lock after a few failures, whichever addresses they came from).
// The email's count is kept for emails without an account too, so both get the same answers.
// Every attempt is counted before its password is checked (in one statement that also refuses
// it while blocked), so parallel attempts cannot slip past a limit; a login that succeeds gives
// its count back. All state is in PostgreSQL, so every node sees the same counts.

type Db = pg.Pool | pg.PoolClient;

/** A rule for one count: no limit up to `free` failures, then a delay doubling from 1 s up to
 * `maxDelaySeconds`; `lockAfter` failures block for `lockMinutes`. Counting starts again after
 * WINDOW_MINUTES without a failure. */
interface Rule {
  free: number;
  maxDelaySeconds: number;
  lockAfter: number;
  lockMinutes: number;
}

export const WINDOW_MINUTES = 15;
export const ADDRESS_RULE: Rule = { free: 3, maxDelaySeconds: 30, lockAfter: 20, lockMinutes: 15 };
export const EMAIL_RULE: Rule = { free: 5, maxDelaySeconds: 0, lockAfter: 5, lockMinutes: 15 };
// The owner's own browser: more room for typos, and a stolen cookie still gives few guesses.
export const DEVICE_RULE: Rule = { free: 10, maxDelaySeconds: 0, lockAfter: 10, lockMinutes: 15 };

export const DEVICE_COOKIE = "inkwell_device";
export const DEVICE_COOKIE_DAYS = 365;

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
export const addressKey = (address: string): string => `address:${sha256(address)}`;
/** The same key in SQL, from a column holding a stored (normalised) email. */
export const emailKeySql = (column: string): string =>
  `'email:' || encode(sha256(convert_to(${column}, 'UTF8')), 'hex')`;
export const emailKey = (normalisedEmail: string): string => `email:${sha256(normalisedEmail)}`;

/** The count after this failure (`$n`), and when the next attempt may come. */
const COUNT = (table: string) =>
  `CASE WHEN ${table}.window_ends_at IS NULL OR ${table}.window_ends_at <= now() THEN 1 ELSE ${table}.failures + 1 END`;
const BLOCKED_UNTIL = (count: string) => `CASE
  WHEN ${count} >= $3 THEN now() + $4 * interval '1 minute'
  WHEN ${count} >= $2 THEN now() + least(power(2, ${count} - $2), $5) * interval '1 second'
  ELSE NULL END`;
const ruleParams = (rule: Rule) => [rule.free, rule.lockAfter, rule.lockMinutes, rule.maxDelaySeconds];
const WINDOW = `now() + ${WINDOW_MINUTES} * interval '1 minute'`;

const msUntil = (until: Date | null): number =>
  // Refused but already unblocked: another attempt got in first; a second is a fair wait.
  until ? Math.max(until.getTime() - Date.now(), 1000) : 1000;

/** Counts an attempt under `key`; how long the client must wait when it is refused. */
async function countAttempt(db: Db, key: string, rule: Rule): Promise<number | undefined> {
  const result = await db.query<{ counted: boolean; blocked_until: Date | null }>(
    `WITH claim AS (
       INSERT INTO login_failures AS f (key, failures, window_ends_at, blocked_until)
       VALUES ($1, 1, ${WINDOW}, ${BLOCKED_UNTIL("1")})
       ON CONFLICT (key) DO UPDATE
          SET failures = ${COUNT("f")}, window_ends_at = ${WINDOW}, blocked_until = ${BLOCKED_UNTIL(COUNT("f"))}
        WHERE f.blocked_until IS NULL OR f.blocked_until <= now()
       RETURNING 1
     )
     SELECT EXISTS (SELECT 1 FROM claim) AS counted,
            (SELECT blocked_until FROM login_failures WHERE key = $1) AS blocked_until`,
    [key, ...ruleParams(rule)],
  );
  const row = result.rows[0];
  return row?.counted ? undefined : msUntil(row?.blocked_until ?? null);
}

export type Admission =
  /** Refused before any password is checked: wait this long. */
  | { kind: "blocked"; waitMs: number }
  /** A browser this account logged in from before. */
  | { kind: "device"; tokenHash: string; userId: number }
  | { kind: "stranger" };

/**
 * Whether an attempt may check a password, counting it. The same queries run for an email with
 * or without an account; only a browser holding a known-device cookie takes another path.
 */
export async function admitLogin(
  db: Db,
  attempt: { address: string; email: string; deviceToken: string | undefined },
): Promise<Admission> {
  if (attempt.deviceToken) {
    const tokenHash = hashToken(attempt.deviceToken);
    const known = await db.query<{ user_id: number; counted: boolean; blocked_until: Date | null }>(
      `WITH device AS (
         SELECT d.* FROM login_devices d JOIN users u ON u.id = d.user_id
          WHERE d.token_hash = $1 AND u.email = $6
       ), claim AS (
         UPDATE login_devices d
            SET failures = ${COUNT("d")}, window_ends_at = ${WINDOW}, blocked_until = ${BLOCKED_UNTIL(COUNT("d"))}
           FROM device
          WHERE d.token_hash = device.token_hash AND d.user_id = device.user_id
            AND (d.blocked_until IS NULL OR d.blocked_until <= now())
         RETURNING 1
       )
       SELECT user_id, EXISTS (SELECT 1 FROM claim) AS counted, blocked_until FROM device`,
      [tokenHash, ...ruleParams(DEVICE_RULE), attempt.email],
    );
    const device = known.rows[0];
    if (device) {
      return device.counted
        ? { kind: "device", tokenHash, userId: device.user_id }
        : { kind: "blocked", waitMs: msUntil(device.blocked_until) };
    }
  }
  const byAddress = await countAttempt(db, addressKey(attempt.address), ADDRESS_RULE);
  if (byAddress !== undefined) return { kind: "blocked", waitMs: byAddress };
  const byEmail = await countAttempt(db, emailKey(attempt.email), EMAIL_RULE);
  if (byEmail !== undefined) return { kind: "blocked", waitMs: byEmail };
  return { kind: "stranger" };
}

/**
 * The attempt was the owner's: its count is given back and the browser becomes (or stays) a
 * known device of the account. Returns the device token for the cookie.
 */
export async function loginSucceeded(
  db: Db,
  admission: Admission,
  attempt: { address: string; email: string; deviceToken: string | undefined },
  userId: number,
): Promise<string> {
  if (admission.kind === "device") {
    await db.query(
      `UPDATE login_devices SET failures = 0, window_ends_at = NULL, blocked_until = NULL, last_login_at = now()
        WHERE token_hash = $1 AND user_id = $2`,
      [admission.tokenHash, userId],
    );
    return attempt.deviceToken as string;
  }
  // Only this attempt's count goes back: logging in to one's own account between guesses at
  // others must not wipe the address's count.
  await db.query(
    `UPDATE login_failures SET failures = greatest(failures - 1, 0),
            blocked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE blocked_until END
      WHERE key = $1`,
    [addressKey(attempt.address), ADDRESS_RULE.free],
  );
  await db.query("DELETE FROM login_failures WHERE key = $1", [emailKey(attempt.email)]);
  return rememberDevice(db, userId, attempt.deviceToken);
}

/** Makes this browser a known device of the account (a browser may be one of several accounts'). */
export async function rememberDevice(db: Db, userId: number, token: string | undefined): Promise<string> {
  const deviceToken = token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : newToken();
  await db.query(
    `INSERT INTO login_devices (token_hash, user_id) VALUES ($1, $2)
     ON CONFLICT (token_hash, user_id) DO UPDATE SET last_login_at = now()`,
    [hashToken(deviceToken), userId],
  );
  return deviceToken;
}

/**
 * A new password: the account's known devices are forgotten (a browser that knew the old one may
 * not be the owner's) and the email's count starts again.
 */
export async function forgetLoginState(db: Db, userId: number, email: string): Promise<void> {
  await db.query("DELETE FROM login_devices WHERE user_id = $1", [userId]);
  await db.query("DELETE FROM login_failures WHERE key = $1", [emailKey(email)]);
}

/** Counts whose window has long passed, and devices unused for longer than their cookie lives. */
export async function purgeLoginState(db: Db): Promise<number> {
  const failures = await db.query(
    "DELETE FROM login_failures WHERE window_ends_at < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())",
  );
  const devices = await db.query(
    "DELETE FROM login_devices WHERE last_login_at < now() - $1 * interval '1 day'",
    [DEVICE_COOKIE_DAYS],
  );
  return (failures.rowCount ?? 0) + (devices.rowCount ?? 0);
}
