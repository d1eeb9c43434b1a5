import { randomUUID } from "node:crypto";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { buildEntry } from "../../core/ledger/intake.js";
import type { ActionType } from "../../core/ledger/types.js";
import type { Runtime } from "../../core/runtime.js";
import type { Acting, FormName } from "./forms.js";

// What a case page form does once it is valid: one ledger entry, plus the record that belongs
// with it (a consent, a message to moderate). Both carry the post's idempotency key (the
// browser's, or the one the server recognised it by: resubmission.ts), so a double submit or a
// retry after an error stores each exactly once.

/** Bumped whenever the privacy notice shown with the petition changes. */
export const PRIVACY_NOTICE_VERSION = "2026-11-1";

const TYPES: Record<FormName, ActionType> = { sign: "petition", solidarity: "solidarity", letter: "letter" };

export async function act(
  runtime: Runtime,
  campaign: CampaignInfo,
  caseSlug: string,
  form: FormName,
  acting: Acting,
  language: string,
  key: string,
  /** The share link that brought the visitor (features/sharing's list). */
  source?: string,
): Promise<void> {
  const entry = buildEntry(
    { campaign: campaign.slug, case: caseSlug, type: TYPES[form], country: acting.country },
    runtime.catalog(),
    undefined,
    key,
  );
  // The letter form is the site's own trusted path for "I wrote several" (bounded by the form).
  entry.quantity = acting.quantity;
  entry.source = source ?? null;
  const db = runtime.db.pool;
  if (form === "sign") {
    await db.query(
      `INSERT INTO consents (id, campaign_id, idempotency_key, email, purpose, notice_version)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, idempotency_key) DO NOTHING`,
      [randomUUID(), campaign.id, key, acting.email, `petition:${caseSlug}`, PRIVACY_NOTICE_VERSION],
    );
  }
  if (form === "solidarity") {
    await db.query(
      `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author, country, language, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, idempotency_key) DO NOTHING`,
      [randomUUID(), campaign.id, entry.caseId, key, acting.name, acting.country, language, acting.message],
    );
  }
  const supporter =
    form === "sign"
      ? { name: acting.name, email: acting.email }
      : form === "solidarity"
        ? // With an address the message is the person's (found and erased by it: features/privacy).
          { name: acting.name, email: acting.email === "" ? undefined : acting.email }
        : undefined;
  await runtime.batcher.submit(entry, supporter);
}
