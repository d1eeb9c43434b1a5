import pg from "pg";
import { sleep } from "./proc.js";

// Counting what the servers stored. Every query here is a count or a sum over small tables
// or one sequential scan, so checking a run costs a second, not a `verify`.

export const NAIVE_DATABASE = "naive";

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(url: string, name: string): Promise<void> {
  await withClient(url, (c) => c.query(`CREATE DATABASE ${name}`));
}

/** The settings that decide what a commit costs; printed so a result can be compared fairly. */
export async function serverSettings(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const names = ["server_version", "fsync", "synchronous_commit", "wal_sync_method", "shared_buffers"];
    const rows = await c.query<{ name: string; setting: string }>(
      "SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name",
      [names],
    );
    return Object.fromEntries(rows.rows.map((r) => [r.name, r.setting]));
  });
}

export interface Stored {
  /** Ledger rows. */
  actions: number;
  /** What the counters say: the app's rollups, the naive design's counter rows. */
  counted: number;
  /** Transactions that wrote actions (the app's batches); undefined where it is one per action. */
  batches?: number;
}

export async function appStored(url: string): Promise<Stored> {
  return withClient(url, async (c) => {
    const r = await c.query<{ actions: string; counted: string; batches: string }>(
      `SELECT (SELECT count(*) FROM actions) AS actions,
              (SELECT coalesce(sum(count), 0) FROM rollups) AS counted,
              (SELECT coalesce(sum(seq), 0) FROM counter_origins WHERE origin LIKE 'node-%') AS batches`,
    );
    const row = r.rows[0];
    return { actions: Number(row?.actions), counted: Number(row?.counted), batches: Number(row?.batches) };
  });
}

export async function naiveStored(url: string): Promise<Stored> {
  return withClient(url, async (c) => {
    const r = await c.query<{ actions: string; counted: string }>(
      `SELECT (SELECT count(*) FROM actions) AS actions,
              (SELECT coalesce(sum(count), 0) FROM counters) AS counted`,
    );
    const row = r.rows[0];
    return { actions: Number(row?.actions), counted: Number(row?.counted) };
  });
}

/**
 * Waits until the store stops changing: requests that were in flight when a load stopped are
 * still being committed for a moment, and must not be counted in the next load.
 */
export async function settled(read: () => Promise<Stored>): Promise<Stored> {
  let previous = await read();
  for (let i = 0; i < 50; i++) {
    await sleep(200);
    const current = await read();
    if (current.actions === previous.actions && current.counted === previous.counted) return current;
    previous = current;
  }
  throw new Error("The stored actions kept changing after the load stopped");
}
