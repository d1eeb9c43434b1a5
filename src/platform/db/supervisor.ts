import type { ChildProcess } from "node:child_process";

// Keeps the embedded PostgreSQL running: when its postmaster exits without being asked to by
// this process (killed, crashed, stopped by someone else), it is started again after a pause
// that doubles with each failed attempt, up to MAX_DELAY_MS. Each attempt is one log line.

export interface SupervisorLog {
  warn(message: string): void;
  error(message: string): void;
}

export interface SupervisedServer {
  /** Starts the server; resolves once it accepts connections, rejects if it exits first. */
  start(): Promise<void>;
  /** The postmaster process, while there is one. */
  child(): ChildProcess | undefined;
  /** The server's last lines of output, to say why a start failed. */
  lastOutput(): string;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/** A server that ran this long before it died starts again from the first delay. */
const STABLE_MS = 30_000;
/** Crash recovery replays the write-ahead log; a start that takes longer than this is stuck. */
const START_TIMEOUT_MS = 300_000;

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

export class Supervisor {
  private stopping = false;
  private attempt = 0;
  private startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  /** How many times the server was started again. */
  restarts = 0;

  constructor(
    private readonly server: SupervisedServer,
    private readonly log: SupervisorLog,
  ) {}

  /** Watches the process that is running now. */
  watch(): void {
    const child = this.server.child();
    if (!child) return;
    this.startedAt = Date.now();
    if (hasExited(child)) {
      this.exited(child.exitCode, child.signalCode);
      return;
    }
    child.once("exit", (code, signal) => this.exited(code, signal));
  }

  /** From now on an exit is expected: this process is stopping the server. */
  stop(): void {
    this.stopping = true;
    clearTimeout(this.timer);
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    if (Date.now() - this.startedAt >= STABLE_MS) this.attempt = 0;
    this.schedule(`embedded PostgreSQL exited (${describeExit(code, signal)})`);
  }

  private schedule(what: string): void {
    this.attempt++;
    const delay = Math.min(FIRST_DELAY_MS * 2 ** (this.attempt - 1), MAX_DELAY_MS);
    this.log.error(`${what}; restarting in ${delay / 1000} s (attempt ${this.attempt})`);
    this.timer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    let stuck: NodeJS.Timeout | undefined;
    try {
      const started = this.server.start();
      stuck = setTimeout(() => this.server.child()?.kill("SIGKILL"), START_TIMEOUT_MS);
      await started;
    } catch {
      if (this.stopping) return;
      const output = this.server.lastOutput().replace(/\s+/g, " ").trim().slice(-300);
      this.schedule(`embedded PostgreSQL did not start${output ? `: ${output}` : ""}`);
      return;
    } finally {
      clearTimeout(stuck);
    }
    this.restarts++;
    this.log.warn(
      `embedded PostgreSQL is running again (pid ${this.server.child()?.pid}, attempt ${this.attempt})`,
    );
    this.watch();
  }
}

/**
 * Stops a postmaster within a bound: fast shutdown (SIGINT: sessions are ended, nothing waits
 * for clients), then immediate shutdown (SIGQUIT), then SIGKILL for a server that is frozen.
 * The write-ahead log makes each of them safe for committed data.
 */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const within = (ms: number) =>
    Promise.race([
      gone.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  const steps: [NodeJS.Signals, number][] = [
    ["SIGQUIT", 1000],
    ["SIGKILL", 1000],
  ];
  if (graceMs > 0) steps.unshift(["SIGINT", graceMs]);
  for (const [signal, ms] of steps) {
    child.kill(signal);
    if (await within(ms)) return;
  }
}
