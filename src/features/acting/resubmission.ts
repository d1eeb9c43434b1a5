import { createHash, randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type pg from "pg";
import { clientAddress } from "../../platform/http/client.js";
import type { Acting, FormName } from "./forms.js";

// The idempotency key of a case page form. The page is the same for every visitor (it can be
// cached and shared), so it holds no key: with scripts on, assets/forms.js mints one in the
// browser when the form is first sent and keeps it while the form is sent again unchanged; with
// scripts off, the server recognises the same form sent again from the same client within
// RESUBMISSION_WINDOW_MS of its first post, and gives it the first post's key.
//
// The recognition is a fingerprint of the client and of what was sent, claimed in one upsert on
// form_submissions: the first post mints a random key, every post with the same fingerprint
// within the window gets that key back — also when they arrive at once on several nodes, as the
// upsert waits for the row a concurrent one is inserting. The ledger then stores the action once
// (its unique campaign + key), like an API retry. See docs/ARCHITECTURE.md, "Double submits".

/** How long a form sent again unchanged from the same client counts as the same action. */
export const RESUBMISSION_WINDOW_MS = 10 * 60 * 1000;

/** The client and the request as the fingerprint sees them. */
export interface Submission {
  campaignId: number;
  caseSlug: string;
  form: FormName;
  acting: Acting;
  request: FastifyRequest;
}

const header = (request: FastifyRequest, name: string): string => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
};

/**
 * SHA-256 of who sent what: the client's address (behind a declared proxy, the visitor's) and
 * browser (User-Agent, Accept-Language: people behind one address, a school or a mobile
 * network, are told apart as far as their browsers differ), the form, its case and edition, and
 * the values as validated (a changed message, or another quantity, is another action).
 */
export function fingerprint(s: Submission): string {
  const { acting } = s;
  const parts = [
    s.campaignId,
    s.caseSlug,
    s.form,
    clientAddress(s.request),
    header(s.request, "user-agent"),
    header(s.request, "accept-language"),
    acting.country,
    acting.name,
    acting.email,
    acting.message,
    acting.quantity,
  ];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/**
 * The key of a post without one: the key of the first post with this fingerprint within the
 * window, or a new one. A post after the window is a new action and starts a new window.
 */
export async function claimKey(
  pool: pg.Pool,
  print: string,
  windowMs = RESUBMISSION_WINDOW_MS,
): Promise<string> {
  const result = await pool.query<{ idempotency_key: string }>(
    `INSERT INTO form_submissions AS s (fingerprint, idempotency_key) VALUES ($1, $2)
     ON CONFLICT (fingerprint) DO UPDATE SET
       idempotency_key = CASE WHEN s.first_at > now() - $3 * interval '1 millisecond'
                              THEN s.idempotency_key ELSE excluded.idempotency_key END,
       first_at = CASE WHEN s.first_at > now() - $3 * interval '1 millisecond'
                       THEN s.first_at ELSE excluded.first_at END
     RETURNING idempotency_key`,
    [print, `s-${randomUUID()}`, windowMs],
  );
  const key = result.rows[0]?.idempotency_key;
  if (!key) throw new Error("form_submissions returned no key");
  return key;
}

/** The ledger key of a valid post: the browser's, else the one its fingerprint claims. */
export async function submissionKey(pool: pg.Pool, s: Submission): Promise<string> {
  // Form keys live in their own namespace, apart from API clients' idempotency keys.
  return `form:${s.acting.key ?? (await claimKey(pool, fingerprint(s)))}`;
}

/** Deletes the fingerprints whose window is over (they would mint a new key anyway). */
export async function purgeOldSubmissions(pool: pg.Pool, windowMs = RESUBMISSION_WINDOW_MS): Promise<void> {
  await pool.query("DELETE FROM form_submissions WHERE first_at <= now() - $1 * interval '1 millisecond'", [
    windowMs,
  ]);
}
