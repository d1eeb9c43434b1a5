import type { FastifyBaseLogger } from "fastify";

// While the database is down every request that needs it fails the same way; a line per
// request would bury the log (thousands a second) and say nothing new. The first failure after
// a healthy period is logged at warn, the following ones at debug; while the outage lasts a
// reminder with the count is logged at most every REMIND_MS, and the end of it once, at info.

const REMIND_MS = 30_000;

/** What identifies the failure in a log line: its code and message, without a stack. */
function summary(error: unknown): string {
  const { code, message, cause } = (error ?? {}) as { code?: unknown; message?: unknown; cause?: unknown };
  const text = [code, message].filter((v) => typeof v === "string" && v !== "").join(" ");
  if (cause !== undefined && cause !== error) return text ? `${text} (${summary(cause)})` : summary(cause);
  return text || String(error);
}

export class OutageLog {
  private since: number | undefined;
  private remindedAt = 0;
  private refused = 0;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** True between the first failure and the next sign of recovery. */
  get active(): boolean {
    return this.since !== undefined;
  }

  /** A request could not reach the database. */
  failed(error: unknown, request?: { method: string; url: string }): void {
    const now = this.now();
    this.refused++;
    const where = request ? ` (${request.method} ${request.url.slice(0, 200)})` : "";
    if (this.since === undefined) {
      this.since = now;
      this.remindedAt = now;
      this.log.warn(`database unavailable: ${summary(error)}${where}; answering 503 until it is back`);
    } else if (now - this.remindedAt >= REMIND_MS) {
      this.remindedAt = now;
      const seconds = Math.round((now - this.since) / 1000);
      this.log.warn(
        `database still unavailable after ${seconds} s: ${summary(error)}; ${this.refused} requests answered 503`,
      );
    } else {
      this.log.debug(`database unavailable: ${summary(error)}${where}`);
    }
  }

  /** The database answered again (a new connection was made): the outage is over. */
  recovered(): void {
    if (this.since === undefined) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.log.info(`database reachable again after ${seconds} s; ${this.refused} requests were answered 503`);
    this.since = undefined;
    this.refused = 0;
  }
}
