import type { CampaignInfo } from "../catalog/catalog.js";
import { HOUR_MS } from "../ledger/types.js";
import type { CampaignCounter } from "./aggregates.js";

export type Bucket = "hour" | "day";
const BUCKET_MS: Record<Bucket, number> = { hour: HOUR_MS, day: 24 * HOUR_MS };

export interface TimelinePoint {
  at: string;
  /** Bucket number since the edition's start, so two editions line up on one chart. */
  offset: number;
  count: number;
  cumulative: number;
}

export interface Series {
  campaign: string;
  startsAt: string;
  endsAt: string;
  points: TimelinePoint[];
}

/** A dense series (empty buckets are 0) from the start of the edition to its end, or to now. */
export function series(
  campaign: CampaignInfo,
  counter: CampaignCounter | undefined,
  bucket: Bucket,
  now: Date,
): Series {
  const size = BUCKET_MS[bucket];
  const first = Math.floor(campaign.startsAt.getTime() / size) * size;
  const last = Math.min(campaign.endsAt.getTime() - 1, now.getTime());
  const counts = new Map<number, number>();
  for (const [hour, n] of counter?.byHour ?? []) {
    const b = Math.floor(hour / size) * size;
    counts.set(b, (counts.get(b) ?? 0) + n);
  }
  const points: TimelinePoint[] = [];
  let cumulative = 0;
  for (let at = first, offset = 0; at <= last; at += size, offset++) {
    const count = counts.get(at) ?? 0;
    cumulative += count;
    points.push({ at: new Date(at).toISOString(), offset, count, cumulative });
  }
  return {
    campaign: campaign.slug,
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
    points,
  };
}
