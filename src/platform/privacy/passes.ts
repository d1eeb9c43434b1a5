import type pg from "pg";
import { withTransaction } from "../db/transaction.js";
import type { Privacy, SealKind } from "./privacy.js";

// The two passes over every column that holds a supporter's name or email, in batches, each batch
// its own transaction (rows locked with SKIP LOCKED, so several nodes, or a node and the CLI, share
// the work instead of waiting on each other), so either can stop at any moment and resume where it
// stopped by running again:
//
// - `encryptClearText` seals what rows written before encryption hold in clear text, sets their
//   keyed hashes and clears the clear-text columns;
// - `resealAll` (key rotation) opens what was sealed under a previous key and seals it again
//   under the current one; the hashes do not change (the look-up key is re-sealed, not replaced).
//
// This list is the one place that says which columns are personal: a new table holding a name or
// an email adds its columns here.

interface Column {
  /** The clear-text column from before encryption; null when there never was one. */
  clear: string | null;
  sealed: string;
  kind: SealKind;
}

interface Table {
  table: string;
  columns: Column[];
  /** The keyed hash column and the clear-text column it hashes. */
  hash?: { column: string; of: string };
  /** Where a person's row may already exist under the same hash (a unique key): what to do with this one. */
  duplicate?: (client: pg.ClientBase, id: unknown, keptId: unknown) => Promise<void>;
  /** The columns, besides the hash, that the hash is unique with. */
  uniqueWith?: string;
}

export const PERSONAL_COLUMNS: Table[] = [
  {
    table: "supporters",
    columns: [
      { clear: "email", sealed: "email_sealed", kind: "email" },
      { clear: "name", sealed: "name_sealed", kind: "name" },
    ],
    hash: { column: "email_key", of: "email" },
    // Two old rows for one person (Ana@x and ana+w4r@gmail): their actions go to the one kept.
    duplicate: async (client, id, keptId) => {
      await client.query("UPDATE actions SET supporter_id = $2 WHERE supporter_id = $1", [id, keptId]);
      await client.query("DELETE FROM supporters WHERE id = $1", [id]);
    },
  },
  {
    table: "event_rsvps",
    columns: [
      { clear: "email", sealed: "email_sealed", kind: "email" },
      { clear: "name", sealed: "name_sealed", kind: "name" },
    ],
    hash: { column: "email_key", of: "email" },
    uniqueWith: "event_id",
    // One person, one place: the RSVP already kept is theirs.
    duplicate: async (client, id) => {
      await client.query("DELETE FROM event_rsvps WHERE id = $1", [id]);
    },
  },
  {
    table: "consents",
    columns: [{ clear: "email", sealed: "email_sealed", kind: "email" }],
    hash: { column: "email_key", of: "email" },
  },
  {
    table: "solidarity_messages",
    columns: [{ clear: "author", sealed: "author_sealed", kind: "name" }],
  },
  {
    table: "outbox",
    columns: [
      { clear: "recipient", sealed: "recipient_sealed", kind: "email" },
      { clear: "subject", sealed: "subject_sealed", kind: "mail" },
      { clear: "body", sealed: "body_sealed", kind: "mail" },
    ],
    hash: { column: "recipient_key", of: "recipient" },
  },
];

export interface PassOptions {
  batchSize?: number;
  /** Stop after this many batches (the rest is left for the next run). */
  maxBatches?: number;
  /** Asked before each batch: true stops the pass (a node shutting down). */
  stopped?: () => boolean;
  progress?: (table: string, rows: number) => void;
}

export type PassResult = Record<string, number>;

type Row = Record<string, unknown> & { id: unknown };

async function inBatches(
  db: pg.Pool,
  options: PassOptions,
  batch: (client: pg.PoolClient, table: Table, size: number) => Promise<number>,
): Promise<PassResult> {
  const size = options.batchSize ?? 500;
  const done: PassResult = {};
  let batches = 0;
  for (const table of PERSONAL_COLUMNS) {
    done[table.table] = 0;
    for (;;) {
      if (options.stopped?.() || (options.maxBatches !== undefined && batches >= options.maxBatches))
        return done;
      const rows = await withTransaction(db, (client) => batch(client, table, size));
      batches++;
      done[table.table] = (done[table.table] ?? 0) + rows;
      if (rows > 0) options.progress?.(table.table, rows);
      if (rows < size) break;
    }
  }
  return done;
}

/** Seals every clear-text name and email left from before encryption; returns rows per table. */
export function encryptClearText(
  db: pg.Pool,
  privacy: Privacy,
  options: PassOptions = {},
): Promise<PassResult> {
  return inBatches(db, options, async (client, t, size) => {
    const clear = t.columns.map((c) => c.clear).filter((c): c is string => c !== null);
    const extra = t.uniqueWith ? `, ${t.uniqueWith}` : "";
    const found = await client.query<Row>(
      `SELECT id${extra}, ${clear.join(", ")} FROM ${t.table}
        WHERE ${clear.map((c) => `${c} IS NOT NULL`).join(" OR ")}
        ORDER BY id LIMIT ${size} FOR UPDATE SKIP LOCKED`,
    );
    const kept = new Map<string, unknown>();
    if (t.hash && t.duplicate) {
      const hashOf = (row: Row) => privacy.emailKey(String(row[t.hash?.of ?? ""]));
      const withHash = found.rows.filter((row) => row[t.hash?.of ?? ""] !== null);
      const taken = await client.query<Row & { h: Buffer }>(
        `SELECT id${extra}, ${t.hash.column} AS h FROM ${t.table} WHERE ${t.hash.column} = ANY($1::bytea[])`,
        [withHash.map(hashOf)],
      );
      const slot = (row: Row, h: Buffer) =>
        `${t.uniqueWith ? String(row[t.uniqueWith]) : ""}|${h.toString("hex")}`;
      for (const row of taken.rows) kept.set(slot(row, row.h), row.id);
      for (const row of withHash) {
        const s = slot(row, hashOf(row));
        const keeper = kept.get(s);
        if (keeper === undefined) kept.set(s, row.id);
        else await t.duplicate(client, row.id, keeper);
      }
    }
    const removed = new Set<unknown>();
    if (t.hash && t.duplicate) {
      const survivors = new Set(kept.values());
      for (const row of found.rows)
        if (row[t.hash.of] !== null && !survivors.has(row.id)) removed.add(row.id);
    }
    for (const row of found.rows) {
      if (removed.has(row.id)) continue;
      const sets: string[] = [];
      const values: unknown[] = [row.id];
      for (const c of t.columns) {
        if (c.clear === null || row[c.clear] === null) continue;
        values.push(privacy.seal(String(row[c.clear]), c.kind));
        sets.push(`${c.sealed} = $${values.length}`, `${c.clear} = NULL`);
      }
      if (t.hash && row[t.hash.of] !== null) {
        values.push(privacy.emailKey(String(row[t.hash.of])));
        sets.push(`${t.hash.column} = $${values.length}`);
      }
      await client.query(`UPDATE ${t.table} SET ${sets.join(", ")} WHERE id = $1`, values);
    }
    return found.rows.length;
  });
}

/** How many values are still sealed under another key than the current one, per table. */
export async function sealedUnderOlderKeys(
  db: pg.Pool | pg.ClientBase,
  privacy: Privacy,
): Promise<PassResult> {
  const current = Buffer.from(privacy.keyId, "hex");
  const left: PassResult = {};
  for (const t of PERSONAL_COLUMNS) {
    const result = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.table} WHERE ${olderKey(t)}`,
      [current],
    );
    left[t.table] = result.rows[0]?.n ?? 0;
  }
  return left;
}

const olderKey = (t: Table) =>
  t.columns
    .map((c) => `(${c.sealed} IS NOT NULL AND substring(${c.sealed} FROM 2 FOR 4) <> $1::bytea)`)
    .join(" OR ");

/**
 * Key rotation: everything sealed under a previous key, sealed again under the current one
 * (the look-up key's row first). Returns rows per table.
 */
export async function resealAll(
  db: pg.Pool,
  privacy: Privacy,
  options: PassOptions = {},
): Promise<PassResult> {
  const lookup = await db.query<{ sealed: Buffer }>(
    "SELECT sealed FROM privacy_keys WHERE purpose = 'lookup'",
  );
  const sealed = lookup.rows[0]?.sealed;
  if (sealed && privacy.keyOf(sealed) !== privacy.keyId) {
    await db.query(
      "UPDATE privacy_keys SET sealed = $1, sealed_at = now() WHERE purpose = 'lookup' AND sealed = $2",
      [privacy.sealLookupKey(privacy.openLookupKey(sealed)), sealed],
    );
  }
  const current = Buffer.from(privacy.keyId, "hex");
  return inBatches(db, options, async (client, t, size) => {
    const found = await client.query<Row>(
      `SELECT id, ${t.columns.map((c) => c.sealed).join(", ")} FROM ${t.table}
        WHERE ${olderKey(t)} ORDER BY id LIMIT ${size} FOR UPDATE SKIP LOCKED`,
      [current],
    );
    for (const row of found.rows) {
      const values: unknown[] = [row.id];
      const sets = t.columns.map((c) => {
        const value = row[c.sealed] as Buffer | null;
        values.push(value === null ? null : privacy.reseal(value, c.kind));
        return `${c.sealed} = $${values.length}`;
      });
      await client.query(`UPDATE ${t.table} SET ${sets.join(", ")} WHERE id = $1`, values);
    }
    return found.rows.length;
  });
}
