import type { CampaignInfo, Catalog } from "../catalog/catalog.js";
import { ACTION_TYPES } from "../ledger/types.js";
import type { Counters } from "./aggregates.js";

export interface CounterView {
  campaign: string;
  total: number;
  goal: number;
  previousTotal: number | null;
  byCountry: Record<string, number>;
  byCase: Record<string, number>;
  byType: Record<string, number>;
  /** Actions per minute over the last five minutes, as of the latest change. */
  perMinute: number;
  seq: number;
  /** True while this node is cut off from the ledger: the numbers may be behind. */
  stale: boolean;
  /** The moment the numbers were exact: now while in sync, else when the node was cut off. */
  asOf: string;
}

export interface Freshness {
  stale: boolean;
  asOf: Date;
}

export interface RenderedCounter {
  json: string;
  /** The Server-Sent Events message, encoded once for every viewer. */
  event: Buffer;
  /** The same message framed as an HTTP/1.1 chunk, to write straight to a chunked response's socket. */
  chunk: Buffer;
  etag: string;
  version: number;
  stale: boolean;
}

/** The counter's JSON with `asOf` set to a later moment: a node in sync is exact as of now. */
export function jsonAsOf(rendered: RenderedCounter, at: Date): string {
  const cut = rendered.json.lastIndexOf(',"asOf":');
  return `${rendered.json.slice(0, cut)},"asOf":${JSON.stringify(at.toISOString())}}`;
}

function sortedByCount<K>(entries: Iterable<[K, number]>): [K, number][] {
  return [...entries].filter(([, n]) => n !== 0).sort((a, b) => b[1] - a[1]);
}

/** Where the actions of cases that are not (or no longer) featured are counted. */
export const OTHER_CASES = "other";

/**
 * The featured cases by name; every other case only as one anonymous sum, so that the numbers
 * still add up to the total. A case is unpublished for a reason (often the person's safety):
 * its slug, usually their name, must not stay in the public counter.
 */
function publicByCase(campaign: CampaignInfo, byCaseId: Map<number, number>): Record<string, number> {
  const slugs = new Map([...campaign.cases].map(([slug, id]) => [id, slug]));
  const byCase: Record<string, number> = {};
  for (const slug of campaign.cases.keys()) byCase[slug] = 0;
  let other = 0;
  for (const [caseId, n] of sortedByCount(byCaseId)) {
    const slug = slugs.get(caseId);
    if (slug === undefined) other += n;
    else byCase[slug] = n;
  }
  if (other !== 0) byCase[OTHER_CASES] = other;
  return byCase;
}

export function counterView(
  counters: Counters,
  campaign: CampaignInfo,
  freshness: Freshness = { stale: false, asOf: new Date() },
): CounterView {
  const counter = counters.of(campaign.id);
  const previous = campaign.previousId === null ? null : (counters.get(campaign.previousId)?.total ?? 0);
  const byCase = publicByCase(campaign, counter.byCase);
  const byType: Record<string, number> = {};
  for (const type of ACTION_TYPES) byType[type] = counter.byType.get(type) ?? 0;
  return {
    campaign: campaign.slug,
    total: counter.total,
    goal: campaign.goal,
    previousTotal: previous,
    byCountry: Object.fromEntries(sortedByCount(counter.byCountry)),
    byCase,
    byType,
    perMinute: counter.perMinute(Date.now()),
    seq: counter.version,
    stale: freshness.stale,
    // Last, so that jsonAsOf can replace it in the serialized view.
    asOf: freshness.asOf.toISOString(),
  };
}

/**
 * Serializes each edition's counter once per change, however many requests and streams
 * ask for it. The previous edition's total is part of the view, so its version is too.
 */
export class CounterRenderer {
  private cache = new Map<number, RenderedCounter & { key: string }>();
  // Differs between processes, so an ETag from another node (or an earlier run) never matches.
  private readonly epoch = Date.now().toString(36);

  constructor(
    private readonly catalog: () => Catalog,
    private readonly counters: Counters,
    private readonly freshness: () => Freshness = () => ({ stale: false, asOf: new Date() }),
  ) {}

  render(campaign: CampaignInfo): RenderedCounter {
    const version = this.counters.of(campaign.id).version;
    const previousVersion =
      campaign.previousId === null ? 0 : (this.counters.get(campaign.previousId)?.version ?? 0);
    const freshness = this.freshness();
    // The catalog's version: publishing or withdrawing a case changes which names are shown.
    // Being cut off (or back in sync) is a change of its own: streams send it, ETags differ.
    const key = `${version}.${previousVersion}.${this.catalog().version}${freshness.stale ? ".stale" : ""}`;
    const cached = this.cache.get(campaign.id);
    if (cached && cached.key === key) return cached;
    const json = JSON.stringify(counterView(this.counters, campaign, freshness));
    const event = Buffer.from(`event: counter\nid: ${version}\ndata: ${json}\n\n`);
    const chunk = Buffer.concat([
      Buffer.from(`${event.length.toString(16)}\r\n`),
      event,
      Buffer.from("\r\n"),
    ]);
    const rendered = {
      key,
      json,
      event,
      chunk,
      version,
      stale: freshness.stale,
      etag: `W/"${this.epoch}-${campaign.id}-${key}"`,
    };
    this.cache.set(campaign.id, rendered);
    return rendered;
  }
}
