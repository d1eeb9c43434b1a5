import { type DeltaRow, HOUR_MS } from "../ledger/types.js";

const RATE_WINDOW_S = 300;

// The live counters of every edition, held in memory by each node. They are built from the
// rollups at start and then moved only by committed batches, so they stay exact.

export class CampaignCounter {
  total = 0;
  byCountry = new Map<string, number>();
  byCase = new Map<number, number>();
  byType = new Map<string, number>();
  /** Case id → country → count, for a case's own page. */
  byCaseCountry = new Map<number, Map<string, number>>();
  /** Hour (epoch ms, UTC) → count, for the timeline. */
  byHour = new Map<number, number>();
  /** Live changes per second (epoch s → count), for "actions per minute right now". */
  private recent = new Map<number, number>();
  /** Bumped on every change; streams and caches compare it. */
  version = 0;
  changedAt = new Date(0);

  add(country: string, caseId: number, type: string, hour: number, n: number): void {
    this.addPlace(country, caseId, n);
    this.addType(type, n);
    this.addHour(hour, n);
  }

  // Each view of the counter needs only some of a rollup key's parts, so a load from the rollups
  // can hand over sums per (country, case), per type and per hour instead of every key; the
  // total is counted once, with the places.

  /** n actions in a country for a case: the total, by country, by case and by case and country. */
  addPlace(country: string, caseId: number, n: number): void {
    this.total += n;
    this.byCountry.set(country, (this.byCountry.get(country) ?? 0) + n);
    this.byCase.set(caseId, (this.byCase.get(caseId) ?? 0) + n);
    let countries = this.byCaseCountry.get(caseId);
    if (!countries) {
      countries = new Map();
      this.byCaseCountry.set(caseId, countries);
    }
    countries.set(country, (countries.get(country) ?? 0) + n);
  }

  addType(type: string, n: number): void {
    this.byType.set(type, (this.byType.get(type) ?? 0) + n);
  }

  addHour(hour: number, n: number): void {
    this.byHour.set(hour, (this.byHour.get(hour) ?? 0) + n);
  }

  /** Counts a live change toward the current rate; reports about earlier hours do not. */
  noteLive(hour: number, n: number, at: number): void {
    if (hour < at - 2 * HOUR_MS) return;
    const second = Math.floor(at / 1000);
    this.recent.set(second, (this.recent.get(second) ?? 0) + n);
    for (const s of this.recent.keys()) {
      if (s > second - RATE_WINDOW_S) break;
      this.recent.delete(s);
    }
  }

  /** Keeps the live rate across a reload from the rollups, which know nothing of it. */
  adoptRate(previous: CampaignCounter | undefined): void {
    if (previous) this.recent = previous.recent;
  }

  /** Actions per minute over the last few minutes. */
  perMinute(at: number): number {
    const from = Math.floor(at / 1000) - RATE_WINDOW_S;
    let sum = 0;
    for (const [s, n] of this.recent) if (s > from) sum += n;
    return Math.round(sum / (RATE_WINDOW_S / 60));
  }
}

export type ChangeListener = (campaignId: number) => void;

export class Counters {
  private campaigns = new Map<number, CampaignCounter>();
  private listeners = new Set<ChangeListener>();

  get(campaignId: number): CampaignCounter | undefined {
    return this.campaigns.get(campaignId);
  }

  /** The counter of an edition, created empty if nothing was counted for it yet. */
  of(campaignId: number): CampaignCounter {
    let counter = this.campaigns.get(campaignId);
    if (!counter) {
      counter = new CampaignCounter();
      this.campaigns.set(campaignId, counter);
    }
    return counter;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(delta: DeltaRow[], at = new Date()): void {
    const touched = new Set<number>();
    for (const [campaignId, country, caseId, type, hour, n] of delta) {
      const counter = this.of(campaignId);
      counter.add(country, caseId, type, hour, n);
      counter.noteLive(hour, n, at.getTime());
      touched.add(campaignId);
    }
    for (const id of touched) this.changed(id, at);
  }

  /** Takes over the state of a freshly loaded set, keeping versions increasing. */
  replaceWith(fresh: Counters, at = new Date()): void {
    const ids = new Set([...this.campaigns.keys(), ...fresh.campaigns.keys()]);
    for (const id of ids) {
      const previous = this.campaigns.get(id);
      const next = fresh.of(id);
      next.version = previous?.version ?? 0;
      next.adoptRate(previous);
      this.campaigns.set(id, next);
    }
    for (const id of ids) this.changed(id, at);
  }

  private changed(campaignId: number, at: Date): void {
    const counter = this.of(campaignId);
    counter.version++;
    counter.changedAt = at;
    for (const listener of this.listeners) listener(campaignId);
  }
}
