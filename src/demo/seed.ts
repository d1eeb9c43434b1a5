import { randomUUID } from "node:crypto";
import type pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { CATALOG_CHANNEL } from "../core/catalog/catalog.js";
import { appendEntries } from "../core/ledger/append.js";
import { type ActionType, HOUR_MS, type LedgerEntry } from "../core/ledger/types.js";
import { withTransaction } from "../platform/db/transaction.js";
import { demoCampaigns, demoCases, demoCountryWeights, demoSections } from "./data.js";
import type { DemoCampaign } from "./types.js";

/** What INSERT … RETURNING id gives: exactly one row. */
interface IdRow {
  id: number;
}
function insertedId(result: pg.QueryResult<IdRow>): number {
  const row = result.rows[0];
  if (!row) throw new Error("INSERT … RETURNING id gave no row");
  return row.id;
}

// The demo: the 2012 edition replayed so that it is open today (day DAYS_ELAPSED of its run),
// and the 2011 edition one year earlier with its 1.3 million actions, both as reported batches
// in the ledger so that counters, rollups and `verify` treat them like any other action.

const DAY_MS = 24 * HOUR_MS;
const DAYS_ELAPSED = 12;
const PREVIOUS_TOTAL = 1_300_000;
/** The replayed edition runs a little ahead of the previous one, as 2012 did. */
const AHEAD_OF_PREVIOUS = 1.06;
const ENTRIES_PER_HOUR = 5;
const SEED_LOCK = 746_2013;

export const TYPE_WEIGHTS: Record<ActionType, number> = {
  letter: 45,
  petition: 25,
  email: 10,
  solidarity: 10,
  sms: 5,
  social: 5,
};

/** A small deterministic generator (mulberry32), so every demo database looks the same. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function weightedPicker<T>(items: [T, number][], rand: () => number): () => T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  return () => {
    let r = rand() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return (items[items.length - 1] as [T, number])[0];
  };
}

/** Share of an edition's actions in each hour: a build-up to Human Rights Day, a daily rhythm. */
function hourlyShares(campaign: DemoCampaign): number[] {
  const hours = campaign.days * 24;
  const peak = Math.round(campaign.days * 0.4) * 24;
  const raw: number[] = [];
  for (let h = 0; h < hours; h++) {
    const buildUp = 1 + 4 * Math.exp(-((h - peak) ** 2) / (2 * (5 * 24) ** 2));
    const daytime = 0.25 + Math.max(0, Math.sin(((h % 24) - 6) * (Math.PI / 16)));
    raw.push(buildUp * daytime);
  }
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / sum);
}

/** Splits a total into integers proportional to shares that add up exactly to the total. */
function apportion(total: number, shares: number[]): number[] {
  const exact = shares.map((s) => s * total);
  const result = exact.map(Math.floor);
  let rest = total - result.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    result[i] = (result[i] as number) + 1;
    rest--;
  }
  return result;
}

interface Replay {
  campaignId: number;
  startsAt: Date;
  hourlyTotals: number[];
  caseIds: Map<string, number>;
  sectionIds: Map<string, number>;
}

function replayEntries(replay: Replay, rand: () => number): LedgerEntry[] {
  const pickCountry = weightedPicker(Object.entries(demoCountryWeights), rand);
  const pickCase = weightedPicker(
    demoCases.map((c) => [replay.caseIds.get(c.slug) as number, c.weight]),
    rand,
  );
  const pickType = weightedPicker(Object.entries(TYPE_WEIGHTS) as [ActionType, number][], rand);
  const entries: LedgerEntry[] = [];
  replay.hourlyTotals.forEach((total, h) => {
    const parts = apportion(
      total,
      Array.from({ length: ENTRIES_PER_HOUR }, () => rand()).map(
        (x, _i, all) => x / all.reduce((a, b) => a + b, 0),
      ),
    );
    for (const quantity of parts) {
      if (quantity <= 0) continue;
      const country = pickCountry();
      entries.push({
        id: uuidv7(),
        campaignId: replay.campaignId,
        caseId: pickCase(),
        type: pickType(),
        quantity,
        country,
        channel: "import",
        sectionId: replay.sectionIds.get(country) ?? null,
        supporterId: null,
        reporter: "demo-seed",
        reason: null,
        occurredAt: new Date(replay.startsAt.getTime() + h * HOUR_MS + Math.floor(rand() * HOUR_MS)),
        idempotencyKey: null,
      });
    }
  });
  return entries;
}

async function insertCampaign(
  client: pg.PoolClient,
  campaign: DemoCampaign,
  startsAt: Date,
  previousId: number | null,
): Promise<number> {
  const result = await client.query<IdRow>(
    `INSERT INTO campaigns (slug, title, starts_at, ends_at, goal, previous_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      campaign.slug,
      campaign.title,
      startsAt,
      new Date(startsAt.getTime() + campaign.days * DAY_MS),
      campaign.goal,
      previousId,
    ],
  );
  return insertedId(result);
}

async function insertCases(client: pg.PoolClient, campaignIds: number[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [position, demoCase] of demoCases.entries()) {
    const inserted = await client.query<IdRow>(
      "INSERT INTO cases (slug, country) VALUES ($1, $2) RETURNING id",
      [demoCase.slug, demoCase.country],
    );
    const caseId = insertedId(inserted);
    ids.set(demoCase.slug, caseId);
    for (const campaignId of campaignIds) {
      await client.query("INSERT INTO campaign_cases (campaign_id, case_id, position) VALUES ($1, $2, $3)", [
        campaignId,
        caseId,
        position,
      ]);
    }
    for (const [language, text] of Object.entries(demoCase.texts)) {
      await client.query(
        "INSERT INTO case_texts (case_id, language, title, summary, story, ask) VALUES ($1, $2, $3, $4, $5, $6)",
        [caseId, language, text.title, text.summary, text.story, text.ask],
      );
    }
    for (const [i, target] of demoCase.targets.entries()) {
      await client.query(
        "INSERT INTO targets (case_id, position, name, title, postal_address, email) VALUES ($1, $2, $3, $4, $5, $6)",
        [caseId, i, target.name, target.title, target.address.join("\n"), target.email ?? null],
      );
    }
  }
  return ids;
}

async function insertSections(client: pg.PoolClient, campaignId: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const section of demoSections) {
    const inserted = await client.query<IdRow>(
      "INSERT INTO sections (country, name, languages) VALUES ($1, $2, $3) RETURNING id",
      [section.country, section.name, section.languages],
    );
    const sectionId = insertedId(inserted);
    ids.set(section.country, sectionId);
    await client.query("INSERT INTO section_goals (section_id, campaign_id, goal) VALUES ($1, $2, $3)", [
      sectionId,
      campaignId,
      section.goal,
    ]);
  }
  return ids;
}

export interface SeedResult {
  seeded: boolean;
  reason?: string;
  actions?: number;
}

/** Writes the demo into an empty database; refuses, changing nothing, if there is any data. */
export async function seedDemo(pool: pg.Pool, now = new Date()): Promise<SeedResult> {
  return withTransaction(pool, async (client) => {
    // Two nodes starting on one empty database must not both seed it.
    await client.query("SELECT pg_advisory_xact_lock($1)", [SEED_LOCK]);
    const existing = await client.query<{ has_data: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM campaigns) OR EXISTS (SELECT 1 FROM actions) AS has_data",
    );
    if (existing.rows[0]?.has_data) return { seeded: false, reason: "the database already has data" };

    const { current, previous } = demoCampaigns;
    const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const currentStart = new Date(today - DAYS_ELAPSED * DAY_MS);
    // 52 weeks earlier, so weekdays line up on the comparison chart.
    const previousStart = new Date(currentStart.getTime() - 364 * DAY_MS);
    const previousId = await insertCampaign(client, previous, previousStart, null);
    const currentId = await insertCampaign(client, current, currentStart, previousId);
    const caseIds = await insertCases(client, [currentId, previousId]);
    const sectionIds = await insertSections(client, currentId);

    const previousHours = apportion(PREVIOUS_TOTAL, hourlyShares(previous));
    // The replayed edition follows last year's curve, a little ahead, up to the current hour.
    const elapsedHours = Math.floor((now.getTime() - currentStart.getTime()) / HOUR_MS);
    const currentShares = hourlyShares(current).slice(0, elapsedHours);
    const currentTotal = Math.round(
      previousHours.slice(0, elapsedHours).reduce((a, b) => a + b, 0) * AHEAD_OF_PREVIOUS,
    );
    const shareSum = currentShares.reduce((a, b) => a + b, 0);
    const currentHours = apportion(
      currentTotal,
      currentShares.map((s) => s / shareSum),
    );

    const rand = random(2012);
    const entries = [
      ...replayEntries(
        { campaignId: previousId, startsAt: previousStart, hourlyTotals: previousHours, caseIds, sectionIds },
        rand,
      ),
      ...replayEntries(
        { campaignId: currentId, startsAt: currentStart, hourlyTotals: currentHours, caseIds, sectionIds },
        rand,
      ),
    ];
    const origin = `seed-${randomUUID()}`;
    for (let i = 0; i < entries.length; i += 5000) {
      await appendEntries(client, origin, entries.slice(i, i + 5000));
    }
    await client.query(`NOTIFY ${CATALOG_CHANNEL}`);
    return { seeded: true, actions: entries.reduce((sum, e) => sum + e.quantity, 0) };
  });
}
