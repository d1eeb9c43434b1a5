import type { DeltaRow } from "../ledger/types.js";

// The live counters of every edition, held in memory by each node. They are built from the
// rollups at start and then moved only by committed batches, so they stay exact.

export class CampaignCounter {
  total = 0;
  byCountry = new Map<string, number>();
  byCase = new Map<number, number>();
  byType = new Map<string, number>();
  /** Hour (epoch ms, UTC) → count, for the timeline. */
  byHour = new Map<number, number>();
  /** Bumped on every change; streams and caches compare it. */
  version = 0;
  changedAt = new Date(0);

  add(country: string, caseId: number, type: string, hour: number, n: number): void {
    this.total += n;
    this.byCountry.set(country, (this.byCountry.get(country) ?? 0) + n);
    this.byCase.set(caseId, (this.byCase.get(caseId) ?? 0) + n);
    this.byType.set(type, (this.byType.get(type) ?? 0) + n);
    this.byHour.set(hour, (this.byHour.get(hour) ?? 0) + n);
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
      this.of(campaignId).add(country, caseId, type, hour, n);
      touched.add(campaignId);
    }
    for (const id of touched) this.changed(id, at);
  }

  /** Takes over the state of a freshly loaded set, keeping versions increasing. */
  replaceWith(fresh: Counters, at = new Date()): void {
    const ids = new Set([...this.campaigns.keys(), ...fresh.campaigns.keys()]);
    for (const id of ids) {
      const previousVersion = this.campaigns.get(id)?.version ?? 0;
      const next = fresh.of(id);
      next.version = previousVersion;
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
