import type { FastifyInstance, FastifyRequest } from "fastify";

// Failures per client address in a fixed window, on @fastify/rate-limit's own store (an LRU
// bounded in size, so many addresses cannot grow memory): the same keys as every rate limit
// (request.ip, IPv6 by /64), counted only when something failed, read without counting.

export interface FailureCounter {
  /** Seconds until the window of this request's address ends, when it holds `max` failures; else 0. */
  lockedFor(request: FastifyRequest): Promise<number>;
  record(request: FastifyRequest): Promise<void>;
}

/** Needs @fastify/rate-limit registered on `app` (its `createRateLimit`). */
export function failureCounter(app: FastifyInstance, max: number, timeWindow: string): FailureCounter {
  // No allow list: the node's exemptions are for sending actions, not for failing.
  const limiter = app.createRateLimit({ max, timeWindow, allowList: () => false });
  return {
    async lockedFor(request) {
      const state = await limiter(request, { increment: false });
      if (state.isAllowed || state.remaining > 0) return 0;
      return Math.max(1, state.ttlInSeconds);
    },
    async record(request) {
      await limiter(request);
    },
  };
}
