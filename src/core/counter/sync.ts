import pg from "pg";
import { CATALOG_CHANNEL } from "../catalog/catalog.js";
import { COUNTER_CHANNEL } from "../ledger/append.js";
import type { DeltaRow } from "../ledger/types.js";
import { Counters } from "./aggregates.js";

// Keeps this node's counters equal to the ledger. Committed batches (this node's, handed over
// directly, and other nodes', announced with NOTIFY) are applied in each writer's order.
// A gap in a writer's numbering, or a lost listening connection, means something was missed:
// the node then reloads from the rollups. The rollups and every writer's last number are read
// in one snapshot, so batches announced around a reload are neither lost nor counted twice.

interface Batch {
  origin: string;
  seq: number;
  delta: DeltaRow[];
}

export interface CounterSyncOptions {
  url: string;
  pool: pg.Pool;
  counters: Counters;
  /** This node's own batches are handed to receive() directly; their echoes are ignored. */
  origin: string;
  onCatalogChange?: () => void;
  log?: (message: string, error?: unknown) => void;
}

export class CounterSync {
  private seqs = new Map<string, number>();
  private reloading = false;
  private reloadWanted = false;
  private held: Batch[] = [];
  private parts = new Map<string, string[]>();
  private listener: pg.Client | undefined;
  private stopped = false;
  private reconnectDelay = 250;
  loaded = false;
  listening = false;
  reloads = 0;
  /** While the node is cut off from the ledger: the moment it stopped being in sync. */
  private cutOffAt: Date | undefined;

  constructor(private readonly options: CounterSyncOptions) {}

  async start(): Promise<void> {
    await this.listen();
    await this.reload();
  }

  /**
   * How current the counters are: `stale` while the node cannot hear the other nodes' batches
   * or could not load the counters, and `asOf`, the moment they were last known to equal the
   * ledger — now while in sync, else when that ended.
   */
  freshness(now = new Date()): { stale: boolean; asOf: Date } {
    const stale = !this.listening || !this.loaded;
    if (!stale) return { stale, asOf: now };
    this.cutOffAt ??= now;
    return { stale, asOf: this.cutOffAt };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => {});
  }

  /** A committed batch, in its writer's order. */
  receive(batch: Batch): void {
    if (this.reloading) {
      this.held.push(batch);
      return;
    }
    const known = this.seqs.get(batch.origin) ?? 0;
    if (batch.seq <= known) return;
    if (batch.seq === known + 1) {
      this.seqs.set(batch.origin, batch.seq);
      this.options.counters.apply(batch.delta);
      return;
    }
    // The batch was committed before it was announced, so the snapshot the reload takes
    // includes it along with whatever was missed.
    this.options.log?.(
      `counter gap from ${batch.origin}: expected ${known + 1}, got ${batch.seq}; reloading`,
    );
    void this.reload();
  }

  /** Rebuilds the counters from the rollups, then applies what arrived meanwhile. */
  async reload(): Promise<void> {
    if (this.reloading) {
      this.reloadWanted = true;
      return;
    }
    this.reloading = true;
    try {
      do {
        this.reloadWanted = false;
        const { fresh, seqs } = await this.snapshot();
        this.options.counters.replaceWith(fresh);
        this.seqs = seqs;
        this.reloads++;
      } while (this.reloadWanted);
      this.loaded = true;
      if (this.listening) this.cutOffAt = undefined;
    } catch (error) {
      this.options.log?.("counter reload failed; retrying", error);
      setTimeout(() => void this.reload(), 1000).unref();
      this.reloading = false;
      return;
    }
    this.reloading = false;
    for (const batch of this.held.splice(0)) this.receive(batch);
  }

  private async snapshot(): Promise<{ fresh: Counters; seqs: Map<string, number> }> {
    const client = await this.options.pool.connect();
    try {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const origins = await client.query<{ origin: string; seq: number }>(
        "SELECT origin, seq FROM counter_origins",
      );
      // campaign, country, case, type, hour, count: arrays, for millions of rows without keys.
      const rollups = await client.query<[number, string, number, string, Date, number]>({
        text: "SELECT campaign_id, country, case_id, type, hour, count FROM rollups",
        rowMode: "array",
      });
      await client.query("COMMIT");
      const fresh = new Counters();
      for (const [campaignId, country, caseId, type, hour, count] of rollups.rows) {
        fresh.of(campaignId).add(country, caseId, type, hour.getTime(), count);
      }
      return { fresh, seqs: new Map(origins.rows.map((r) => [r.origin, r.seq])) };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on("notification", (message) => this.onNotification(message.channel, message.payload ?? ""));
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${COUNTER_CHANNEL}`);
    await client.query(`LISTEN ${CATALOG_CHANNEL}`);
    this.listener = client;
    this.listening = true;
    this.reconnectDelay = 250;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.stopped || this.listener !== client) return;
    this.listener = undefined;
    this.listening = false;
    this.cutOffAt ??= new Date();
    this.options.log?.("counter listener lost; reconnecting", error);
    client.end().catch(() => {});
    const retry = async () => {
      if (this.stopped) return;
      try {
        await this.listen();
        await this.reload();
      } catch (retryError) {
        this.options.log?.("counter listener reconnect failed", retryError);
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, 10_000);
        setTimeout(retry, this.reconnectDelay).unref();
      }
    };
    setTimeout(retry, this.reconnectDelay).unref();
  }

  private onNotification(channel: string, payload: string): void {
    if (channel === CATALOG_CHANNEL) {
      this.options.onCatalogChange?.();
      return;
    }
    // origin|seq|part|parts|json
    const [origin, seqText, partText, partsText] = payload.split("|", 4);
    const json = payload.slice([origin, seqText, partText, partsText].join("|").length + 1);
    const seq = Number(seqText);
    const part = Number(partText);
    const parts = Number(partsText);
    if (!origin || !Number.isInteger(seq) || !Number.isInteger(part) || !Number.isInteger(parts)) {
      this.options.log?.(`malformed counter announcement ignored: ${payload.slice(0, 80)}`);
      return;
    }
    if (origin === this.options.origin) return;
    const key = `${origin}|${seq}`;
    const received = this.parts.get(key) ?? [];
    received[part - 1] = json;
    if (received.filter((p) => p !== undefined).length < parts) {
      this.parts.set(key, received);
      return;
    }
    this.parts.delete(key);
    const delta = received.flatMap((p) => JSON.parse(p) as DeltaRow[]);
    this.receive({ origin, seq, delta });
  }
}
