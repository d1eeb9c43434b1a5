import type { Server } from "node:http";
import type { Socket } from "node:net";
import ipaddr from "ipaddr.js";

// Caps that keep one host from taking the node's open files. Over a cap, a new connection is
// closed as soon as it is accepted: that costs one accept and one close, no parser and no
// request, and a client or load balancer sees a closed connection it can retry elsewhere.

/**
 * The key one client is counted under: an IPv4 address as it is (also when it arrives
 * IPv4-mapped), an IPv6 address by its /64 — one host or one site is normally given a whole
 * /64, and could otherwise take a fresh address for every connection.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(":")}::/64`;
}

/** Counts what each key holds and refuses the one over the cap. */
export class AddressCounter {
  private counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more for `key`, or answers false (and counts nothing) when it holds `max`. */
  acquire(key: string): boolean {
    const held = this.counts.get(key) ?? 0;
    if (held >= this.max) return false;
    this.counts.set(key, held + 1);
    return true;
  }

  release(key: string): void {
    const held = this.counts.get(key) ?? 0;
    if (held <= 1) this.counts.delete(key);
    else this.counts.set(key, held - 1);
  }

  held(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

export interface ConnectionLimits {
  /** Open connections in all (Node's own `server.maxConnections`). */
  maxConnections: number;
  /** Open connections from one client address. */
  maxPerAddress: number;
  /** A declared proxy carries many clients on its address: it is not held to the per-address cap. */
  isTrustedProxy: (address: string) => boolean;
  /** Told when a cap starts refusing; called at most once a minute per address. */
  onRefusing: (message: string) => void;
}

const REPORT_EVERY_MS = 60_000;

/**
 * Passes a message on at most once a minute per key, so a flood is one log line per address
 * and minute instead of one per refused connection.
 */
export function reportOncePerMinute(
  report: (message: string) => void,
): (key: string, message: string) => void {
  const reported = new Map<string, number>();
  return (key, message) => {
    const now = Date.now();
    const last = reported.get(key);
    if (last !== undefined && last > now - REPORT_EVERY_MS) return;
    // The map only holds keys reported within the last minute.
    for (const [k, at] of reported) if (at <= now - REPORT_EVERY_MS) reported.delete(k);
    reported.set(key, now);
    report(message);
  };
}

/** Applies both caps to a server; call before it listens. */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  const perAddress = new AddressCounter(limits.maxPerAddress);
  const report = reportOncePerMinute(limits.onRefusing);

  // Node closes the socket itself, before any object is made for it.
  server.maxConnections = limits.maxConnections;
  server.on("drop", () => {
    report(
      "",
      `the node holds ${limits.maxConnections} connections (MAX_CONNECTIONS); new ones are closed until some end`,
    );
  });
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || limits.isTrustedProxy(address)) return;
    const key = addressKey(address);
    if (!perAddress.acquire(key)) {
      socket.destroy();
      report(
        key,
        `${key} holds ${limits.maxPerAddress} connections (MAX_CONNECTIONS_PER_ADDRESS); its new ones are closed until some end`,
      );
      return;
    }
    socket.once("close", () => perAddress.release(key));
  });
}
