import type { FastifyBaseLogger } from "fastify";

// While the database is down every request that needs it fails the same way; a line per
// request would bury the log (thousands a second) and say nothing new. The change of the
// database's state is logged (at warn) by its monitor (src/platform/db/monitor.ts); here the
// requests' side of it: the first refused request after a healthy period at info, with what it
// asked for, the following ones at debug, and the end of it once, at info, with the count.

/** What identifies the failure in a log line: its code and message, without a stack. */
function summary(error: unknown): string {
  const { code, message, cause } = (error ?? {}) as { code?: unknown; message?: unknown; cause?: unknown };
  const text = [code, message].filter((v) => typeof v === "string" && v !== "").join(" ");
  if (cause !== undefined && cause !== error) return text ? `${text} (${summary(cause)})` : summary(cause);
  return text || String(error);
}

export class OutageLog {
  private since: number | undefined;
  private refused = 0;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
    /** Tells the database's state (which logs the change) what the request ran into. */
    private readonly onFailure: (error: unknown) => void = () => {},
  ) {}

  /** True between the first failure and the next sign of recovery. */
  get active(): boolean {
    return this.since !== undefined;
  }

  /** A request could not reach the database. */
  failed(error: unknown, request?: { method: string; url: string }): void {
    const now = this.now();
    this.refused++;
    this.onFailure(error);
    const where = request ? ` (${request.method} ${request.url.slice(0, 200)})` : "";
    if (this.since === undefined) {
      this.since = now;
      this.log.info(`database unavailable: ${summary(error)}${where}; answering 503 until it is back`);
    } else {
      this.log.debug(`database unavailable: ${summary(error)}${where}`);
    }
  }

  /** The database answered again (a new connection was made): the outage is over. */
  recovered(): void {
    if (this.since === undefined) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.log.info(`requests reach the database again after ${seconds} s; ${this.refused} were answered 503`);
    this.since = undefined;
    this.refused = 0;
  }
}
