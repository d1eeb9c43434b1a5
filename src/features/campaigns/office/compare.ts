import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { campaignStatus } from "../../../core/catalog/current.js";
import type { CampaignCounter } from "../../../core/counter/aggregates.js";
import { HOUR_MS } from "../../../core/ledger/types.js";

// How an edition stands against the one it is compared with. While it runs, the fair figure is
// the previous edition's count at the same point of its own run (day 10 against day 10), read
// from its hourly counts; once it is over, the two totals; before it opens, the total to beat.

export interface Comparison {
  total: number;
  /** The previous edition's figure to compare with; null without a previous edition. */
  previous: number | null;
  basis: "same_point" | "final" | "to_beat" | null;
}

/** The count of an edition in its first `elapsedMs` (whole hours, as the rollups keep them). */
export function countAfter(
  counter: CampaignCounter | undefined,
  campaign: CampaignInfo,
  elapsedMs: number,
): number {
  if (!counter) return 0;
  const until = campaign.startsAt.getTime() + elapsedMs;
  let sum = 0;
  for (const [hour, n] of counter.byHour) if (hour < until) sum += n;
  return sum;
}

export function compareEditions(
  campaign: CampaignInfo,
  previous: CampaignInfo | undefined,
  counterOf: (id: number) => CampaignCounter | undefined,
  now = new Date(),
): Comparison {
  const total = counterOf(campaign.id)?.total ?? 0;
  if (!previous) return { total, previous: null, basis: null };
  const previousCounter = counterOf(previous.id);
  const status = campaignStatus(campaign, now);
  if (status === "open") {
    // Rounded up to the hour in progress: the rollups count by the hour.
    const elapsed = Math.ceil((now.getTime() - campaign.startsAt.getTime()) / HOUR_MS) * HOUR_MS;
    return { total, previous: countAfter(previousCounter, previous, elapsed), basis: "same_point" };
  }
  return { total, previous: previousCounter?.total ?? 0, basis: status === "closed" ? "final" : "to_beat" };
}
