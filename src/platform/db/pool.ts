import pg from "pg";

// pg.Pool, plus a way to let go of every connection while the server is shutting down. A
// PostgreSQL asked to stop "smart" (SIGTERM) waits until its last client disconnects; a pool
// that keeps its idle connections open, and hands busy ones back, would keep it up forever.

/** pg-pool's own bookkeeping (pg-pool 3), which has no public call to close idle clients. */
interface PoolInternals {
  _idle: { client: pg.PoolClient }[];
  _remove(client: pg.PoolClient, callback?: () => void): void;
}

export class SupervisedPool extends pg.Pool {
  private draining = false;

  /** Closes the idle connections now, and every busy one when it is handed back. */
  drain(): void {
    if (!this.draining) {
      this.draining = true;
      // Checked at each release: a client used once more is closed instead of kept.
      this.options.maxUses = 1;
    }
    const internals = this as unknown as PoolInternals;
    for (const { client } of [...internals._idle]) internals._remove(client);
  }

  /** The server is back: connections are kept again. */
  resume(): void {
    if (!this.draining) return;
    this.draining = false;
    this.options.maxUses = Number.POSITIVE_INFINITY;
  }
}
