import pg from "pg";
import { connectionLost } from "../../platform/db/connection-lost.js";
import { CATALOG_CHANNEL, CONTENT_CHANNEL } from "../catalog/catalog.js";
import { COUNTER_CHANNEL } from "../ledger/append.js";
import type { DeltaRow } from "../ledger/types.js";
import { Counters } from "./aggregates.js";

// Keeps this node's counters equal to the ledger. Committed batches (this node's, handed over
// directly, and other nodes', announced with NOTIFY) are applied in each writer's order.
// A gap in a writer's numbering, or a lost listening connection, means something was missed:
// the node then reloads from the rollups. The rollups and every writer's last number are read
// in one snapshot, so batches announced around a reload are neither lost nor counted twice.

const FIRST_RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 2000;

// The counters need sums per (country, case), per type and per hour, never a whole rollup key:
// one scan of the rollups, summed by the database, hands over a few thousand rows where the
// keys are a million at launch scale (10 million actions: 80 countries × the cases × the
// types × 672 hours), which took seconds to read and convert one by one.
// Rows: [set, campaign, country, case, type, hour (epoch ms), sum]; set 0 = (country, case),
// 1 = type, 2 = hour.
const SNAPSHOT_SQL = `
SELECT CASE GROUPING(country, type, hour) WHEN 3 THEN 0 WHEN 5 THEN 1 ELSE 2 END,
       campaign_id, country, case_id, type, (extract(epoch FROM hour) * 1000)::bigint, sum(count)::bigint
  FROM rollups
 GROUP BY GROUPING SETS ((campaign_id, country, case_id), (campaign_id, type), (campaign_id, hour))`;

type SnapshotRow = [0 | 1 | 2, number, string, number, string, number, number];

/** Builds the counters from the snapshot's sums. */
export function countersFrom(rows: SnapshotRow[]): Counters {
  const fresh = new Counters();
  for (const [set, campaignId, country, caseId, type, hour, n] of rows) {
    const counter = fresh.of(campaignId);
    if (set === 0) counter.addPlace(country, caseId, n);
    else if (set === 1) counter.addType(type, n);
    else counter.addHour(hour, n);
  }
  return fresh;
}

interface Batch {
  origin: string;
  seq: number;
  delta: DeltaRow[];
}

export interface CounterSyncOptions {
  url: string;
  /** The listening connection's settings (timeouts); the url is used as its address. */
  clientConfig?: pg.ClientConfig;
  /** Reads the snapshot; over millions of rollups it needs the long bounds, not the requests'. */
  pool: pg.Pool;
  counters: Counters;
  /** This node's own batches are handed to receive() directly; their echoes are ignored. */
  origin: string;
  onCatalogChange?: () => void;
  /** Public content outside the catalog changed (CONTENT_CHANNEL). */
  onContentChange?: () => void;
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
  private reconnectDelay = FIRST_RECONNECT_MS;
  private reloadStarted: number | undefined;
  loaded = false;
  listening = false;
  reloads = 0;
  /** The last reload failed; another is on its way. */
  reloadFailing = false;
  lastReloadAt: Date | null = null;
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
    // A frozen server never acknowledges the end; the node's shutdown does not wait for it.
    const ended = this.listener?.end().catch(() => {});
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  /** Closes the listening connection (the server is going away); it reconnects by itself. */
  dropConnection(): void {
    const client = this.listener;
    if (client) this.lost(client);
  }

  /** How long the running reload has been going on, in ms (0 when none is). */
  reloadingFor(): number {
    return this.reloadStarted === undefined ? 0 : Date.now() - this.reloadStarted;
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
    this.reloadStarted ??= Date.now();
    try {
      do {
        this.reloadWanted = false;
        const { fresh, seqs } = await this.snapshot();
        this.options.counters.replaceWith(fresh);
        this.seqs = seqs;
        this.reloads++;
      } while (this.reloadWanted);
      this.loaded = true;
      this.lastReloadAt = new Date();
      if (this.reloadFailing) this.options.log?.("counters reloaded from the rollups");
      this.reloadFailing = false;
      if (this.listening) this.cutOffAt = undefined;
    } catch (error) {
      // Logged once, then retried quietly until it works (the database's state is logged apart).
      if (!this.reloadFailing) this.options.log?.("counter reload failed; retrying every second", error);
      this.reloadFailing = true;
      setTimeout(() => void this.reload(), 1000).unref();
      this.reloading = false;
      return;
    }
    this.reloading = false;
    this.reloadStarted = undefined;
    for (const batch of this.held.splice(0)) this.receive(batch);
  }

  private async snapshot(): Promise<{ fresh: Counters; seqs: Map<string, number> }> {
    const client = await this.options.pool.connect();
    let origins: pg.QueryResult<{ origin: string; seq: number }>;
    let sums: pg.QueryResult<SnapshotRow>;
    try {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      origins = await client.query("SELECT origin, seq FROM counter_origins");
      sums = await client.query({ text: SNAPSHOT_SQL, rowMode: "array" });
      await client.query("COMMIT");
    } catch (error) {
      // A failed connection is closed, not handed back (and not waited on for a ROLLBACK):
      // closing it ends the transaction.
      if (!connectionLost(error)) await client.query("ROLLBACK").catch(() => {});
      client.release(error as Error);
      throw error;
    }
    client.release();
    return { fresh: countersFrom(sums.rows), seqs: new Map(origins.rows.map((r) => [r.origin, r.seq])) };
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ ...this.options.clientConfig, connectionString: this.options.url });
    client.on("notification", (message) => this.onNotification(message.channel, message.payload ?? ""));
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${COUNTER_CHANNEL}`);
      await client.query(`LISTEN ${CATALOG_CHANNEL}`);
      await client.query(`LISTEN ${CONTENT_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    this.listener = client;
    this.listening = true;
    if (this.reconnectDelay > FIRST_RECONNECT_MS) this.options.log?.("counter listener connected again");
    this.reconnectDelay = FIRST_RECONNECT_MS;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.stopped || this.listener !== client) return;
    this.listener = undefined;
    this.listening = false;
    this.cutOffAt ??= new Date();
    this.options.log?.("counter listener lost; reconnecting", error);
    client.end().catch(() => {});
    // Quietly, with a pause that doubles up to MAX_RECONNECT_MS: the outage itself is logged
    // as the database's state, and the reconnection once it works.
    const retry = async () => {
      if (this.stopped) return;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_RECONNECT_MS);
      try {
        await this.listen();
      } catch {
        setTimeout(retry, this.reconnectDelay).unref();
        return;
      }
      // Whatever was announced while nobody listened is in the rollups, the catalog and the
      // content: read them again, and let the shared pages be built anew.
      this.options.onCatalogChange?.();
      this.options.onContentChange?.();
      await this.reload();
    };
    setTimeout(retry, FIRST_RECONNECT_MS).unref();
  }

  private onNotification(channel: string, payload: string): void {
    if (channel === CATALOG_CHANNEL) {
      this.options.onCatalogChange?.();
      return;
    }
    if (channel === CONTENT_CHANNEL) {
      this.options.onContentChange?.();
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
