import proxyAddr from "@fastify/proxy-addr";
import type { FastifyRequest } from "fastify";
import type { TrustProxy } from "../../config.js";

// Who the client is behind proxies. Fastify resolves request.ip with proxy-addr: it walks
// X-Forwarded-For from the right (the entry the nearest proxy appended) and stops at the first
// address that is not a proxy. Entries left of that were written by the client and are never
// believed, so a client cannot choose its own address or a fresh rate-limit bucket.

/** proxy-addr's trust function: `index` 0 is the socket's peer, 1 the rightmost forwarded entry. */
export type TrustFunction = (address: string, index: number) => boolean;

export interface ProxyTrust {
  /**
   * What Fastify's `trustProxy` gets. Always a function or false: Fastify 5 ignores a bare hop
   * count (it then trusts no one) and reads `true` as "trust everyone".
   */
  trustProxy: TrustFunction | false;
  /**
   * Whether a socket's remote address is a declared proxy (for checks made per connection, before
   * any header is read). With a hop count every direct peer is a proxy: that setting says the node
   * is reachable only through its proxies.
   */
  isTrustedProxy(address: string): boolean;
}

export function proxyTrust(setting: TrustProxy): ProxyTrust {
  const trust = trustFunction(setting);
  return {
    trustProxy: trust,
    isTrustedProxy: trust === false ? () => false : (address) => trust(address, 0),
  };
}

function trustFunction(setting: TrustProxy): TrustFunction | false {
  switch (setting.kind) {
    case "none":
      return false;
    case "hops": {
      const { hops } = setting;
      // Express's meaning: the peer and the next hops−1 entries are proxies.
      return (_address, index) => index < hops;
    }
    case "addresses":
      return proxyAddr.compile(setting.addresses);
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Whether the request names an earlier hop: X-Forwarded-For, or RFC 7239's Forwarded. */
export function isForwarded(request: FastifyRequest): boolean {
  return request.headers["x-forwarded-for"] !== undefined || request.headers.forwarded !== undefined;
}

export type LoopbackVerdict = "local" | "not-local" | "undeclared-proxy";

/**
 * Whether a request comes from this machine itself (the simulator, a test, the demo): a loopback
 * peer that names no earlier hop. A forwarded address is never "local", whatever it says — with a
 * wrong hop count `X-Forwarded-For: 127.0.0.1` could otherwise resolve to loopback. A loopback peer
 * that forwards while it is not a declared proxy is a proxy nobody told the node about: every
 * visitor behind it would share the loopback address.
 */
export function loopbackVerdict(
  request: FastifyRequest,
  isTrustedProxy: (address: string) => boolean,
): LoopbackVerdict {
  const peer = request.socket.remoteAddress ?? "";
  if (!LOOPBACK.has(peer)) return "not-local";
  if (!isForwarded(request)) return LOOPBACK.has(request.ip) ? "local" : "not-local";
  return isTrustedProxy(peer) ? "not-local" : "undeclared-proxy";
}

/** The start-up warning for the old `TRUST_PROXY=true`, undefined when there is nothing to say. */
export function trustProxyWarning(setting: TrustProxy): string | undefined {
  if (setting.kind !== "hops" || !setting.legacyTrue) return undefined;
  return (
    "TRUST_PROXY=true is read as one proxy in front of this node (TRUST_PROXY=1): the client address " +
    "is the last X-Forwarded-For entry. Set TRUST_PROXY to the hop count or to the proxies' addresses " +
    "(e.g. TRUST_PROXY=127.0.0.1) to say so explicitly."
  );
}

export const UNDECLARED_PROXY_WARNING =
  "A request from a loopback address carried X-Forwarded-For or Forwarded, but TRUST_PROXY does not " +
  "declare that address as a proxy: every visitor behind it shares one address and one rate limit, " +
  "and none is exempt. Set TRUST_PROXY to the proxy's address (e.g. TRUST_PROXY=127.0.0.1) or its " +
  "hop count (TRUST_PROXY=1). This is logged once.";
