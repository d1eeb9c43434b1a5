import type { Runtime } from "../../core/runtime.js";
import { newLink } from "./links.js";
import { caseTitle, confirmationMail } from "./mail.js";

// One reminder for a signature still pending 48 hours after it was made. Every node runs this
// every hour; a signature is claimed by the UPDATE that stamps reminded_at (a row lock, and the
// condition read again after it), so it is reminded once across nodes. The email follows the
// claim: a node dying in between loses that reminder rather than sending two.

export const REMIND_AFTER_MS = 48 * 60 * 60 * 1000;
/** Claimed and sent per run; the rest waits for the next run. */
const PER_RUN = 500;

interface ClaimedRow {
  id: string;
  campaign_id: number;
  case_id: number;
  language: string;
  email: Buffer | null;
  name: Buffer | null;
}

/** Sends the reminders due at `now`; returns how many were sent. */
export async function sendReminders(runtime: Runtime, now = new Date()): Promise<number> {
  const { pool } = runtime.db;
  const claimed = await pool.query<ClaimedRow>(
    `WITH due AS (
       SELECT id FROM signatures
        WHERE status = 'pending' AND reminded_at IS NULL AND signed_at <= $1
        ORDER BY signed_at LIMIT $2
        FOR UPDATE SKIP LOCKED
     )
     UPDATE signatures s SET reminded_at = $3 FROM due WHERE s.id = due.id
     RETURNING s.id, s.campaign_id, s.case_id, s.language,
               (SELECT p.email_sealed FROM supporters p WHERE p.id = s.supporter_id) AS email,
               (SELECT p.name_sealed FROM supporters p WHERE p.id = s.supporter_id) AS name`,
    [new Date(now.getTime() - REMIND_AFTER_MS), PER_RUN, now],
  );
  let sent = 0;
  for (const row of claimed.rows) {
    // Erased meanwhile (or never had an address): nobody to remind.
    if (!row.email) continue;
    const email = runtime.db.privacy.open(row.email, "email");
    const name = runtime.db.privacy.openOrNull(row.name, "name");
    const confirm = newLink("confirm", now);
    const withdraw = newLink("withdraw", now);
    await pool.query(
      `INSERT INTO signature_links (hash, signature_id, purpose, expires_at)
       VALUES ($1, $3, 'confirm', $4), ($2, $3, 'withdraw', NULL)`,
      [confirm.hash, withdraw.hash, row.id, confirm.expiresAt],
    );
    const campaign = runtime.catalog().campaignsById.get(row.campaign_id);
    const caseName = await caseTitle(pool, row.case_id, row.language, campaign);
    await runtime.mailer.send(
      confirmationMail({
        to: email,
        name,
        language: row.language,
        caseName,
        publicUrl: runtime.config.publicUrl,
        confirm,
        withdraw,
        reminder: true,
      }),
    );
    sent++;
  }
  return sent;
}
