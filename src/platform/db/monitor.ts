import pg from "pg";
import type { DatabaseHealth } from "./health.js";
import type { SupervisedPool } from "./pool.js";

// Looks at the database on its own connection, so that the node's view of it does not depend
// on someone making a request: while it is reachable and writes succeed, every PROBE_OK_MS;
// otherwise every PROBE_FAILING_MS, which is how the node notices it is back. A fresh
// connection each time is also how a shutting-down server is noticed: it refuses new ones with
// 57P03 while the existing ones go on working.

/** Tries a write that leaves nothing behind; throws when the server cannot write. */
export type WriteProbe = (client: pg.ClientBase) => Promise<void>;

const PROBE_OK_MS = 5000;
const PROBE_FAILING_MS = 500;

function shuttingDown(error: unknown): boolean {
  return (error as { code?: unknown }).code === "57P03";
}

export class DatabaseMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private draining = false;
  private drainListeners: (() => void)[] = [];
  private writeProbe: WriteProbe | undefined;
  private probing = false;

  constructor(
    private readonly settings: pg.ClientConfig,
    private readonly health: DatabaseHealth,
    private readonly pools: SupervisedPool[],
  ) {
    // Whatever noticed the outage first, look again soon.
    health.onChange((reachable) => {
      if (!reachable) this.schedule(PROBE_FAILING_MS);
    });
  }

  start(): void {
    this.stopped = false;
    this.schedule(PROBE_OK_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  setWriteProbe(probe: WriteProbe): void {
    this.writeProbe = probe;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), ms);
    this.timer.unref();
  }

  async probe(): Promise<void> {
    // One at a time; the running one schedules the next.
    if (this.probing) return;
    this.probing = true;
    const client = new pg.Client(this.settings);
    // Errors after the probe are the next probe's business.
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
      if (this.draining) {
        this.draining = false;
        for (const pool of this.pools) pool.resume();
      }
      this.health.succeeded();
      if (!this.health.lastWrite.ok && this.writeProbe) {
        await this.writeProbe(client).then(
          () => this.health.writeSucceeded(),
          (error: unknown) => this.health.writeFailed(error),
        );
      }
    } catch (error) {
      if (shuttingDown(error)) this.drain();
      this.health.failed(error);
    } finally {
      client.end().catch(() => {});
      this.probing = false;
    }
    this.schedule(this.health.reachable && this.health.lastWrite.ok ? PROBE_OK_MS : PROBE_FAILING_MS);
  }

  private drain(): void {
    if (!this.draining) this.health.unreachable("the database server is shutting down");
    this.draining = true;
    for (const pool of this.pools) pool.drain();
    for (const listener of this.drainListeners) listener();
  }
}
