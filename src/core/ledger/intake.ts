import countries from "i18n-iso-countries";
import { Problem } from "../../platform/http/problems.js";
import type { Catalog } from "../catalog/catalog.js";
import { reportsCloseAt, takesReports } from "../catalog/current.js";
import { canReportBatch, type Reporter } from "./auth.js";
import { newActionId } from "./ids.js";
import type { ActionType, LedgerEntry } from "./types.js";

// The rules an action must pass before it reaches the ledger. Everything here is checked in
// memory, so a bad action never costs a database round trip and never enters a batch.

export interface ActionInput {
  campaign: string;
  case: string;
  type: ActionType;
  country: string;
  quantity?: number;
  occurredAt?: string;
  channel?: string;
  supporter?: { name?: string; email?: string };
}

const COUNTRY_CODES = new Set(Object.keys(countries.getAlpha2Codes()));
const MINUTE = 60_000;
/** Clocks on phones drift; an online action may say it happened a little in the future. */
const CLOCK_SKEW = 5 * MINUTE;
/** An online action queued on a phone without network may arrive up to a day later. */
const ONLINE_DELAY = 24 * 60 * MINUTE;

export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

export function buildEntry(
  input: ActionInput,
  catalog: Catalog,
  reporter: Reporter | undefined,
  idempotencyKey: string | undefined,
  now = new Date(),
): LedgerEntry {
  const campaign = catalog.campaigns.get(input.campaign);
  if (!campaign) throw new Problem(422, "unknown_campaign", `There is no campaign "${input.campaign}".`);
  const caseId = campaign.cases.get(input.case);
  if (caseId === undefined) {
    throw new Problem(422, "unknown_case", `Campaign "${campaign.slug}" has no case "${input.case}".`);
  }
  const country = input.country.toUpperCase();
  if (!isCountryCode(country)) {
    throw new Problem(
      422,
      "unknown_country",
      `"${input.country}" is not an ISO 3166-1 alpha-2 country code.`,
    );
  }
  const quantity = input.quantity ?? 1;
  if (quantity > 1 && !canReportBatch(reporter)) {
    throw new Problem(
      403,
      "reporter_token_required",
      "Reporting a batch (quantity > 1) needs a reporter token.",
    );
  }

  const start = campaign.startsAt.getTime();
  const end = campaign.endsAt.getTime();
  const t = now.getTime();
  let occurredAt: Date;
  if (!reporter) {
    // Online actions count only while the edition runs; reports may arrive weeks later.
    if (t < start || t >= end) {
      throw new Problem(
        409,
        "campaign_not_open",
        `Campaign "${campaign.slug}" takes actions from ${campaign.startsAt.toISOString()} to ${campaign.endsAt.toISOString()}.`,
      );
    }
    occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
    const o = occurredAt.getTime();
    if (o > t + CLOCK_SKEW || o < t - ONLINE_DELAY || o < start) {
      throw new Problem(
        422,
        "occurred_at_out_of_range",
        "occurredAt of an online action must lie within the last 24 hours and within the campaign.",
      );
    }
  } else {
    if (t < start) {
      throw new Problem(
        409,
        "campaign_not_started",
        `Campaign "${campaign.slug}" starts ${campaign.startsAt.toISOString()}.`,
      );
    }
    if (!takesReports(campaign, now)) {
      throw new Problem(
        409,
        "reports_closed",
        `Campaign "${campaign.slug}" took reports until ${reportsCloseAt(campaign).toISOString()}.`,
      );
    }
    occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date(Math.min(t, end - 1));
    const o = occurredAt.getTime();
    if (o < start || o >= end || o > t + CLOCK_SKEW) {
      throw new Problem(
        422,
        "occurred_at_out_of_range",
        `occurredAt of a report must lie within the campaign (${campaign.startsAt.toISOString()} to ${campaign.endsAt.toISOString()}) and not in the future.`,
      );
    }
  }

  return {
    id: newActionId(),
    campaignId: campaign.id,
    caseId,
    type: input.type,
    quantity,
    country,
    channel: input.channel ?? (reporter ? "report" : "web"),
    sectionId: catalog.sections.get(country) ?? null,
    supporterId: null,
    reporter: reporter?.fingerprint ?? null,
    reason: null,
    occurredAt,
    idempotencyKey: idempotencyKey ?? null,
  };
}

/** A repeated idempotency key must describe the same action; otherwise it is a client bug. */
export function sameAction(
  entry: LedgerEntry,
  stored: { caseId: number; type: string; country: string; quantity: number },
): boolean {
  return (
    entry.caseId === stored.caseId &&
    entry.type === stored.type &&
    entry.country === stored.country.trim() &&
    entry.quantity === stored.quantity
  );
}
