import type { Challenge } from "altcha-lib";
import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import ipaddr from "ipaddr.js";
import { verifiedReporter } from "../../core/ledger/auth.js";
import type { Runtime } from "../../core/runtime.js";
import { allowMatcher } from "../../platform/http/allow.js";
import { clientAddress } from "../../platform/http/client.js";
import { addressKey } from "../../platform/http/connections.js";
import { isForwarded, proxyTrust, UNDECLARED_PROXY_WARNING } from "../../platform/http/proxy.js";
import { Challenges } from "./challenge.js";
import { ActionLimiter } from "./limiter.js";

// The one check every route that records an action makes before it hands the action to the
// ledger: the JSON API and the case page's forms, under every language prefix, on every node.
// Exempt: verified reporters (their token is their limit) and the addresses RATE_LIMIT_ALLOW
// lists. Everyone else spends the budgets of their address (limiter.ts), in actions. Over them,
// a form can pay with a solved proof-of-work challenge instead (challenge.ts); the API answers
// 429 with Retry-After.

export type GateVerdict =
  | { allowed: true }
  | {
      allowed: false;
      retryAfter: number;
      /** For a form: the challenge that lets it through now; none when CHALLENGE_WORK=0. */
      challenge?: Challenge;
      /** A solution was sent and refused: already used, expired or wrong. */
      refusedSolution?: boolean;
    };

export interface GateInput {
  caseId: number;
  quantity: number;
  /** A form: over the limits it is offered a challenge, and may send a solved one. */
  form?: { solution?: string };
}

export class ActionGate {
  readonly limiter: ActionLimiter;
  readonly challenges: Challenges;
  private readonly allowed: (address: string) => boolean;
  private readonly isTrustedProxy: (address: string) => boolean;
  private warned = false;

  constructor(
    runtime: Runtime,
    private readonly log: FastifyBaseLogger,
  ) {
    const { config } = runtime;
    this.limiter = new ActionLimiter(runtime.db.pool, config.actionLimits);
    this.challenges = new Challenges(runtime.db.pool, config.challengeWork);
    this.allowed = allowMatcher(config.rateLimitAllow);
    this.isTrustedProxy = proxyTrust(config.trustProxy).isTrustedProxy;
  }

  /**
   * Whether the request is not limited at all. An allowed address that forwards requests for
   * others (X-Forwarded-For or Forwarded) without being a declared proxy would exempt everyone
   * behind it: its requests are limited like anyone's, and the operator is told once.
   */
  exempt(request: FastifyRequest): boolean {
    if (verifiedReporter(request)) return true;
    const address = clientAddress(request);
    if (!this.allowed(address)) return false;
    if (!isForwarded(request)) return true;
    if (!this.isTrustedProxy(request.socket.remoteAddress ?? "")) {
      if (!this.warned) {
        this.warned = true;
        this.log.warn(UNDECLARED_PROXY_WARNING);
      }
      return false;
    }
    // This machine is the socket's peer, never a forwarded hop: "X-Forwarded-For: 127.0.0.1"
    // resolves to loopback only when TRUST_PROXY counts more hops than there are proxies.
    return !isLoopback(address);
  }

  async check(request: FastifyRequest, input: GateInput): Promise<GateVerdict> {
    if (!this.limiter.enabled || this.exempt(request)) return { allowed: true };
    const address = addressKey(clientAddress(request));
    const solution = input.form?.solution;
    // A solution is claimed whether or not it is needed now: it is good for one post only.
    const redeemed =
      solution && this.challenges.work > 0 ? await this.challenges.redeem(solution) : undefined;
    const verdict = await this.limiter.take({
      address,
      caseId: input.caseId,
      quantity: input.quantity,
      force: redeemed === "accepted",
    });
    if (verdict.allowed) return verdict;
    const refusedSolution = redeemed !== undefined && redeemed !== "accepted";
    if (!input.form || this.challenges.work === 0)
      return { allowed: false, retryAfter: verdict.retryAfter, refusedSolution };
    const challenge = await this.challenges.create(verdict.load);
    return { allowed: false, retryAfter: verdict.retryAfter, challenge, refusedSolution };
  }
}

function isLoopback(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === "loopback";
}

/** The domain of an email, in lower case, as action_origins keeps it. */
export function emailDomain(email: string | undefined | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf("@");
  return at === -1 ? null : email.slice(at + 1).toLowerCase();
}
