import type { DestinationStream } from "pino";

// A pino destination that keeps every line, for tests that check what a node logs (and what it
// does not: no error with a stack for a client's mistake, one line per outage).

export interface LogLine {
  level: number;
  msg?: string;
  err?: { type?: string; message?: string; stack?: string };
  [key: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export class LogLines implements DestinationStream {
  readonly lines: LogLine[] = [];

  write(line: string): void {
    this.lines.push(JSON.parse(line) as LogLine);
  }

  /** Lines at `level` or above. */
  atLeast(level: number): LogLine[] {
    return this.lines.filter((l) => l.level >= level);
  }

  clear(): void {
    this.lines.length = 0;
  }
}
