import { connectionLost } from "./connection-lost.js";

// What this node knows about its database, from every query that failed or worked and from a
// probe: reachable or not since when, and whether the last write succeeded. Each change is
// logged once — an outage is two lines in the log, however many requests it failed.

export interface HealthLog {
  warn(message: string): void;
}

export interface WriteState {
  ok: boolean;
  at: Date | null;
  error: string | null;
}

export interface HealthSnapshot {
  reachable: boolean;
  since: Date;
  reason: string | null;
  lastWrite: WriteState;
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message || (error.cause instanceof Error ? error.cause.message : error.name);
  return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
}

export class DatabaseHealth {
  private state = { reachable: true, since: new Date(), reason: null as string | null };
  private write: WriteState = { ok: true, at: null, error: null };
  private listeners: ((reachable: boolean) => void)[] = [];
  private writeFailureLogged = false;
  private muted = false;

  constructor(private readonly log: HealthLog) {}

  /** From now on nothing is logged (the node is closing its database). */
  mute(): void {
    this.muted = true;
  }

  get reachable(): boolean {
    return this.state.reachable;
  }

  get lastWrite(): WriteState {
    return this.write;
  }

  snapshot(): HealthSnapshot {
    return { ...this.state, lastWrite: { ...this.write } };
  }

  /** Called with every change of reachability, after it is logged. */
  onChange(listener: (reachable: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** A query or connection failed; only a failed connection makes the database unreachable. */
  failed(error: unknown): boolean {
    if (!connectionLost(error)) return false;
    this.unreachable(reasonOf(error));
    return true;
  }

  unreachable(reason: string): void {
    if (!this.state.reachable) return;
    this.state = { reachable: false, since: new Date(), reason };
    if (!this.muted) this.log.warn(`database unreachable: ${reason}`);
    for (const listener of this.listeners) listener(false);
  }

  /**
   * A new connection worked (the monitor's probe). Not a query on an old connection: after the
   * postmaster died, its orphaned backends may still answer one for a moment.
   */
  succeeded(): void {
    if (this.state.reachable) return;
    const seconds = (Date.now() - this.state.since.getTime()) / 1000;
    this.state = { reachable: true, since: new Date(), reason: null };
    this.log.warn(`database reachable again after ${seconds.toFixed(1)} s`);
    for (const listener of this.listeners) listener(true);
  }

  writeSucceeded(): void {
    if (this.writeFailureLogged) this.log.warn("database writes succeed again");
    this.writeFailureLogged = false;
    this.write = { ok: true, at: new Date(), error: null };
  }

  writeFailed(error: unknown): void {
    const reason = reasonOf(error);
    // A refused connection is an outage, logged as one; a write the server refuses (a full disk)
    // while it answers everything else is worth its own line.
    if (!this.failed(error) && !this.writeFailureLogged) {
      this.log.warn(`database writes fail: ${reason}`);
      this.writeFailureLogged = true;
    }
    this.write = { ok: false, at: new Date(), error: reason };
  }
}
