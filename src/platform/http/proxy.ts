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

/** Whether the request names an earlier hop: X-Forwarded-For, or RFC 7239's Forwarded. */
export function isForwarded(request: FastifyRequest): boolean {
  return request.headers["x-forwarded-for"] !== undefined || request.headers.forwarded !== undefined;
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/** The start-up warning the setting deserves, undefined when there is nothing to say. */
export function trustProxyWarning(setting: TrustProxy, host: string): string | undefined {
  if (setting.kind === "addresses" && setting.legacyTrue) {
    return (
      "TRUST_PROXY=true no longer trusts every address: it is read as TRUST_PROXY=loopback,linklocal,uniquelocal " +
      "(proxies on this machine or a private network). Set TRUST_PROXY to the proxies' addresses " +
      "(e.g. TRUST_PROXY=127.0.0.1) or their hop count (TRUST_PROXY=1); a proxy with a public address " +
      "must be listed, or all its visitors share its address."
    );
  }
  if (setting.kind === "hops" && !LOCAL_HOSTS.has(host)) {
    return (
      `TRUST_PROXY=${setting.hops} believes the last ${setting.hops} X-Forwarded-For hop(s) from any peer, and ` +
      `HOST=${host} lets others reach this node: make sure only the proxies can (a firewall, a private ` +
      "network), or list the proxies' addresses in TRUST_PROXY instead."
    );
  }
  return undefined;
}

export const UNDECLARED_PROXY_WARNING =
  "A request from an address RATE_LIMIT_ALLOW exempts carried X-Forwarded-For or Forwarded, but " +
  "TRUST_PROXY does not declare that address as a proxy: every visitor behind it shares one address " +
  "and one budget, and none is exempt. Set TRUST_PROXY to the proxy's address (e.g. " +
  "TRUST_PROXY=127.0.0.1) or its hop count (TRUST_PROXY=1). This is logged once.";
