import assert from "node:assert/strict";
import type { TestApp } from "./app.js";

// What tests of several nodes on one database share: a form posted as a browser posts it, and
// waiting for every node's counter to reach the ledger's sum (NOTIFY takes a moment to arrive).

/** A same-origin form post, as a browser sends it (the cross-site check lets it through). */
export function submitForm(node: TestApp, path: string, fields: Record<string, string>) {
  return node.app.inject({
    method: "POST",
    url: path,
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** Waits until every node's counter for the edition holds the ledger's total; fails after 5 s. */
export async function countersAgree(nodes: TestApp[], campaignId: number): Promise<void> {
  const [first] = nodes;
  assert.ok(first, "at least one node");
  const ledger = await first.db.pool.query(
    "SELECT coalesce(sum(quantity), 0)::int AS n FROM actions WHERE campaign_id = $1",
    [campaignId],
  );
  const want = ledger.rows[0].n;
  const totals = () => nodes.map((node) => node.runtime.counters.of(campaignId).total);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (totals().every((total) => total === want)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(
    totals(),
    nodes.map(() => want),
    "every node's counter against the ledger",
  );
}
