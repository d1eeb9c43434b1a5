import type { LightMyRequestResponse } from "fastify";
import { action, type TestApp } from "../../../test/support/app.js";

// What the abuse defence's tests send: actions by the API and by the case page's forms, from a
// chosen client address (app.inject's remoteAddress is the socket's peer).

let keys = 0;
/** A fresh idempotency key as the page's script would mint it. */
export const freshKey = () => `test-key-${process.pid}-${++keys}-xxxxxxxx`;

export function apiPost(
  node: TestApp,
  remoteAddress: string,
  body: Record<string, unknown> = action(),
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return node.app.inject({
    method: "POST",
    url: "/api/v1/actions",
    remoteAddress,
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify(body),
  });
}

/** A form of the case page posted from the page itself; `path` like "/es/cases/gao-zhisheng/letter". */
export function formPost(
  node: TestApp,
  remoteAddress: string,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return node.app.inject({
    method: "POST",
    url: path,
    remoteAddress,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "same-origin",
      ...headers,
    },
    payload: new URLSearchParams({ key: freshKey(), ...fields }).toString(),
  });
}

export const letter = (quantity = 1) => ({ quantity: String(quantity), country: "DE" });
export const signature = (email: string) => ({ name: "Ada", email, country: "FR", consent: "yes" });
export const solidarity = () => ({ name: "Ada", message: "Stay strong", country: "PL" });

/** The statuses of `count` requests sent one after another, in order. */
export async function statuses(
  count: number,
  send: () => Promise<{ statusCode: number }>,
): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send()).statusCode);
  return seen;
}

/** Actions stored from an address (action_origins), summed in quantity. */
export async function storedFrom(node: TestApp, address: string): Promise<number> {
  const result = await node.db.pool.query<{ n: number }>(
    "SELECT coalesce(sum(quantity), 0)::int AS n FROM action_origins WHERE address = $1::inet",
    [address],
  );
  return result.rows[0]?.n ?? 0;
}
