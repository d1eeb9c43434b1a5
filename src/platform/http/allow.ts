import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

// RATE_LIMIT_ALLOW: the client addresses exempt from the action limits. Nobody is exempt by a
// rule of the code; the operator lists them (the demo lists this machine for itself, see
// src/config.ts). Parsed and matched with ipaddr.js, which knows IPv4, IPv6, CIDRs and
// IPv4-mapped IPv6 (a dual-stack socket's `::ffff:127.0.0.1` is 127.0.0.1).

/** What the demo exempts when RATE_LIMIT_ALLOW is not set: this machine, nothing else. */
export const DEMO_ALLOW: readonly string[] = ["127.0.0.1/32", "::1/128"];

/**
 * Comma-separated addresses and CIDRs, each returned as `address/prefix` (a bare address is its
 * own /32 or /128), or a problem message. Only the usual notations: ipaddr.js alone would also
 * take "1" or "127.1" as addresses.
 */
export function parseAllowList(text: string): string[] | string {
  const parsed: string[] = [];
  for (const entry of text.split(",").map((e) => e.trim())) {
    if (entry === "") continue;
    const slash = entry.indexOf("/");
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const bad = `${JSON.stringify(entry)} is not an address or CIDR (e.g. 127.0.0.1, 10.0.0.0/8, ::1, 2001:db8::/48)`;
    const family = isIP(address);
    if (family === 0) return bad;
    try {
      const [range, bits] =
        slash === -1 ? [ipaddr.parse(address), family === 4 ? 32 : 128] : ipaddr.parseCIDR(entry);
      parsed.push(`${range.toString()}/${bits}`);
    } catch {
      return bad;
    }
  }
  return parsed;
}

/** Whether an address is in one of the ranges (as parseAllowList returns them). */
export function allowMatcher(entries: readonly string[]): (address: string) => boolean {
  const ranges = entries.map((entry) => ipaddr.parseCIDR(entry));
  if (ranges.length === 0) return () => false;
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    return ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
  };
}
