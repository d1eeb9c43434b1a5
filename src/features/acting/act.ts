import { randomUUID } from "node:crypto";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { buildEntry } from "../../core/ledger/intake.js";
import type { ActionType } from "../../core/ledger/types.js";
import type { Runtime } from "../../core/runtime.js";
import type { UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { type SignResult, sign } from "../signatures/index.js";
import { recordConsent } from "./consents.js";
import type { Acting, FormName } from "./forms.js";

// What a case page form does once it is valid: one ledger entry, plus the record that belongs
// with it (a consent, a message to moderate). A signature goes through features/signatures: one
// per person, counted at once or once confirmed by email, as the edition says. Both carry the post's idempotency key (the
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
  language: UiLocale,
  key: string,
  /** Where the post came from, kept with the action (action_origins). */
  origin: { address: string; emailDomain: string | null },
  /** The share link that brought the visitor (features/sharing's list). */
  source?: string,
): Promise<SignResult | undefined> {
  const entry = buildEntry(
    { campaign: campaign.slug, case: caseSlug, type: TYPES[form], country: acting.country },
    runtime.catalog(),
    undefined,
    key,
  );
  // The letter form is the site's own trusted path for "I wrote several" (bounded by the form).
  entry.quantity = acting.quantity;
  entry.source = source ?? null;
  entry.address = origin.address;
  entry.emailDomain = origin.emailDomain;
  const db = runtime.db.pool;
  const privacy = runtime.db.privacy;
  if (form === "sign") {
    await recordConsent(db, privacy, {
      campaignId: campaign.id,
      key,
      email: acting.email,
      purpose: `petition:${caseSlug}`,
      // The notice exactly as the form showed it, in the reader's language.
      notice: {
        version: PRIVACY_NOTICE_VERSION,
        language,
        text: messagesFor(language).t("act.sign.privacy", { months: runtime.config.retentionMonths }),
      },
      source: "form",
    });
    const signed = await sign(
      runtime,
      campaign,
      entry,
      { email: acting.email, name: acting.name, language },
      { withdrawLink: true },
    );
    // A second signature is no signature: nothing of this post is kept.
    if (signed.status === "already") {
      await db.query("DELETE FROM consents WHERE campaign_id = $1 AND idempotency_key = $2", [
        campaign.id,
        key,
      ]);
    }
    return signed;
  }
  if (form === "solidarity") {
    await db.query(
      `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author_sealed, country, language, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, idempotency_key) DO NOTHING`,
      [
        randomUUID(),
        campaign.id,
        entry.caseId,
        key,
        privacy.seal(acting.name, "name"),
        acting.country,
        language,
        acting.message,
      ],
    );
  }
  const supporter =
    form === "solidarity"
      ? // With an address the message is the person's (found and erased by it: features/privacy).
        { name: acting.name, email: acting.email === "" ? undefined : acting.email }
      : undefined;
  await runtime.batcher.submit(entry, supporter);
  return undefined;
}

/** The thank-you a sign post is answered with (the case page's ?done=), by what became of it. */
export function signDone(result: SignResult): string {
  switch (result.status) {
    case "counted":
      return "sign";
    case "pending":
      return "sign-confirm";
    case "replayed":
      return result.pending ? "sign-confirm" : "sign";
    case "already":
      return result.existing === "pending" ? "sign-again-pending" : "sign-again";
  }
}
