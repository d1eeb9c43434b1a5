import type pg from "pg";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { pickText } from "../../core/catalog/texts.js";
import { DEFAULT_LOCALE, isUiLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import type { Mail } from "../../platform/mail/mailer.js";
import { CONFIRM_LINK_DAYS, type Link, linkPath } from "./links.js";

// The confirmation email and its one reminder, in the signer's language. Both carry the link
// that confirms and the link that withdraws ("it wasn't me"): the owner of an address someone
// else signed with can undo it from the first email on.

export const localeOf = (language: string): UiLocale => (isUiLocale(language) ? language : DEFAULT_LOCALE);

/** The case's title in the signer's language (along the fallback chain), else its slug. */
export async function caseTitle(
  db: pg.Pool,
  caseId: number,
  language: string,
  campaign: CampaignInfo | undefined,
): Promise<string> {
  const result = await db.query<{ language: string; title: string }>(
    "SELECT t.language, t.title FROM case_texts t WHERE t.case_id = $1 AND t.public",
    [caseId],
  );
  const texts = Object.fromEntries(result.rows.map((r) => [r.language, r.title]));
  const picked = pickText(texts, language, campaign?.defaultLanguage ?? DEFAULT_LOCALE);
  if (picked) return picked.text;
  const slug = await db.query<{ slug: string }>("SELECT slug FROM cases WHERE id = $1", [caseId]);
  return slug.rows[0]?.slug ?? String(caseId);
}

export interface ConfirmationMail {
  to: string;
  name: string | null;
  language: string;
  caseName: string;
  publicUrl: string;
  confirm: Link;
  withdraw: Link;
  reminder: boolean;
}

export function confirmationMail(c: ConfirmationMail): Mail {
  const m = messagesFor(localeOf(c.language));
  const base = c.publicUrl.replace(/\/$/, "");
  const values = {
    name: c.name ?? "",
    named: c.name ? "yes" : "no",
    caseName: c.caseName,
    days: CONFIRM_LINK_DAYS,
    confirmUrl: `${base}${linkPath(m.locale, "confirm", c.confirm.token)}`,
    withdrawUrl: `${base}${linkPath(m.locale, "withdraw", c.withdraw.token)}`,
  };
  const kind = c.reminder ? "reminder" : "confirm";
  return {
    to: c.to,
    subject: m.t(`signature.mail.${kind}.subject`, values),
    text: m.t(`signature.mail.${kind}.body`, values),
  };
}
