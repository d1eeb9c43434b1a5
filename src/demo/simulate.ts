import { randomUUID } from "node:crypto";
import { Pool } from "undici";
import { ACTION_TYPES, type ActionType } from "../core/ledger/types.js";
import { demoCases, demoCountryWeights } from "./data.js";
import { random, TYPE_WEIGHTS, weightedPicker } from "./seed.js";

// Posts a launch-day-like stream of actions through the public API: countries and cases
// weighted like the demo, one idempotency key per action, at a chosen rate, for a bounded time.

export interface SimulateOptions {
  url: string;
  campaign?: string;
  rate: number;
  seconds: number;
  connections: number;
  token?: string;
  report?: (line: string) => void;
}

export interface SimulateResult {
  campaign: string;
  sent: number;
  accepted: number;
  failed: Record<string, number>;
  seconds: number;
  p99Ms: number;
}

interface CampaignSummary {
  slug: string;
  status: string;
  cases: { slug: string; country: string }[];
}

async function json<T>(pool: Pool, path: string): Promise<T> {
  const response = await pool.request({ method: "GET", path });
  const body = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET ${path} answered ${response.statusCode}: ${body}`);
  return JSON.parse(body) as T;
}

export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const base = new URL(options.url);
  const pool = new Pool(base.origin, { connections: options.connections, pipelining: 1 });
  try {
    let slug = options.campaign;
    if (!slug) {
      const { campaigns } = await json<{ campaigns: CampaignSummary[] }>(pool, "/api/v1/campaigns");
      slug = campaigns.find((c) => c.status === "open")?.slug;
      if (!slug) throw new Error("No campaign is open; name one with --campaign.");
    }
    const campaign = await json<CampaignSummary>(pool, `/api/v1/campaigns/${slug}`);
    if (campaign.cases.length === 0) throw new Error(`Campaign ${slug} has no cases.`);
    const rand = random(Date.now() % 2 ** 31);
    const weights = new Map(demoCases.map((c) => [c.slug, c.weight]));
    const pickCase = weightedPicker(
      campaign.cases.map((c) => [c.slug, weights.get(c.slug) ?? 1]),
      rand,
    );
    const pickCountry = weightedPicker(Object.entries(demoCountryWeights), rand);
    const pickType = weightedPicker(
      ACTION_TYPES.map((t): [ActionType, number] => [t, TYPE_WEIGHTS[t]]),
      rand,
    );
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;

    const result: SimulateResult = { campaign: slug, sent: 0, accepted: 0, failed: {}, seconds: 0, p99Ms: 0 };
    const latencies: number[] = [];
    const started = Date.now();
    const deadline = started + options.seconds * 1000;
    const inFlight = new Set<Promise<void>>();
    const post = async () => {
      const t0 = performance.now();
      const body = JSON.stringify({
        campaign: slug,
        case: pickCase(),
        type: pickType(),
        country: pickCountry(),
      });
      try {
        const response = await pool.request({
          method: "POST",
          path: "/api/v1/actions",
          headers: { ...headers, "idempotency-key": randomUUID() },
          body,
        });
        await response.body.dump();
        if (response.statusCode === 201) result.accepted++;
        else result.failed[response.statusCode] = (result.failed[response.statusCode] ?? 0) + 1;
      } catch (error) {
        const code = (error as { code?: string }).code ?? "network";
        result.failed[code] = (result.failed[code] ?? 0) + 1;
      }
      latencies.push(performance.now() - t0);
    };
    let lastReport = started;
    while (Date.now() < deadline) {
      const due = Math.floor(((Date.now() - started) / 1000) * options.rate);
      while (result.sent < due && inFlight.size < options.connections * 4) {
        result.sent++;
        const p = post().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (Date.now() - lastReport >= 5000) {
        lastReport = Date.now();
        options.report?.(`${result.accepted} accepted, ${result.sent - result.accepted} not (yet) accepted`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
    result.seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    result.p99Ms = Math.round((latencies[Math.floor(latencies.length * 0.99)] ?? 0) * 10) / 10;
    return result;
  } finally {
    await pool.close();
  }
}
