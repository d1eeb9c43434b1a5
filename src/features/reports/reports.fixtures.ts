import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeEvent as makeTestEvent } from "../../../test/support/events.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { UserRow } from "../office/index.js";

// What the reports tests share: a node with an organizer in Spain and one in France, each signed
// in, and the helpers that read the ledger and the live counter. The bindings are live: they hold
// their values once `setUp` has run (in each test file's `before`).

export let node: TestApp;
export let campaign: CampaignInfo;
export let caseId: number;
export let esOrganizer: UserRow;
export let frOrganizer: UserRow;
export let es: OfficeClient;
export let fr: OfficeClient;
export const today = () => new Date().toISOString().slice(0, 10);
export const daysAfterStart = (n: number) =>
  new Date(campaign.startsAt.getTime() + n * 86_400_000).toISOString().slice(0, 10);

export async function setUp(): Promise<void> {
  node = await startTestApp();
  campaign = node.runtime.catalog().campaigns.get("w4r-2012") as CampaignInfo;
  caseId = campaign.cases.get("gao-zhisheng") as number;
  esOrganizer = await makeUser(node, "organizer", { countries: ["ES"] });
  frOrganizer = await makeUser(node, "organizer", { countries: ["FR"] });
  es = await officeClient(node, esOrganizer);
  fr = await officeClient(node, frOrganizer);
}
export const tearDown = () => node.close();

export const counter = () => node.runtime.counters.get(campaign.id);
export const total = () => counter()?.total ?? 0;
export const caseCount = () => counter()?.byCase.get(caseId) ?? 0;

/** The counter moves when the NOTIFY of the commit arrives; wait for it, then compare exactly. */
export async function counterReaches(expected: number): Promise<void> {
  for (let i = 0; i < 400 && total() < expected; i++) await sleep(25);
  assert.equal(total(), expected);
}

/** The total once every committed report has reached this node's counter (as the rollups say). */
export async function settledTotal(): Promise<number> {
  const query = "SELECT sum(count)::bigint AS n FROM rollups WHERE campaign_id = $1";
  const stored = Number((await node.db.pool.query(query, [campaign.id])).rows[0].n);
  await counterReaches(stored);
  return stored;
}

/** An event of `organizer` that ended an hour ago, so its letters can be reported. */
export const makeEvent = (
  organizer: UserRow,
  country: string,
  campaignId = campaign.id,
  capacity: number | null = null,
): Promise<string> =>
  makeTestEvent(node, {
    capacity,
    organizerId: organizer.id,
    campaignId,
    country,
    title: `Writing night ${randomUUID().slice(0, 4)}`,
    address: "Calle Mayor 1",
    description: "",
    startsAt: new Date(Date.now() - 3 * 3_600_000),
    hours: 2,
  });

export async function formKey(client: OfficeClient, url = "/office/reports/new"): Promise<string> {
  const page = await client.get(url);
  assert.equal(page.statusCode, 200, page.body);
  const key = /name="key" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(key, "the form carries a key");
  return key;
}

export const report = (key: string, overrides: Record<string, string> = {}) => ({
  key,
  case: "gao-zhisheng",
  type: "letter",
  country: "ES",
  date: today(),
  quantity: "120",
  event: "",
  ...overrides,
});

export const count = async (sql: string, values: unknown[] = []) =>
  Number((await node.db.pool.query(sql, values)).rows[0].n);

export function csvFile(text: string, bom = false) {
  return {
    field: "file",
    filename: "reports.csv",
    contentType: "text/csv",
    data: Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]),
  };
}
