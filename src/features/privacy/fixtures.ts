import assert from "node:assert/strict";
import type pg from "pg";
import type { TestApp } from "../../../test/support/app.js";
import { makeEvent } from "../../../test/support/events.js";
import { makeUser } from "../../../test/support/office.js";
import type { Database } from "../../platform/db/database.js";
import { personKey } from "../../platform/person-key.js";
import type { SealKind } from "../../platform/privacy/privacy.js";

// A supporter who did everything that leaves personal data behind, through the public forms:
// a signature (with its consent), a solidarity message with their address, an RSVP, a mail.
// And the scan that proves an erasure left no trace: every text and JSON column of every table.

export interface Person {
  name: string;
  /** As typed in the sign form. */
  email: string;
  /** Another form of the same person's address (provider folding), as typed in the RSVP. */
  alias: string;
  country: string;
}

/** Posts a public form as a browser does from the site's own page. */
export function submit(t: TestApp, path: string, fields: Record<string, string>, remoteAddress?: string) {
  return t.app.inject({
    method: "POST",
    url: path,
    remoteAddress,
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: new URLSearchParams(fields).toString(),
  });
}

let events = 0;

/** The person acts on every form; returns the id of the event they registered for. */
export async function actAs(t: TestApp, p: Person, caseSlug = "gao-zhisheng"): Promise<string> {
  events += 1;
  const sign = await submit(t, `/en/cases/${caseSlug}/sign`, {
    key: `privacy-sign-${events}-${p.country}-0001`,
    name: p.name,
    email: p.email,
    country: p.country,
    consent: "yes",
  });
  assert.equal(sign.statusCode, 303, sign.body.slice(0, 300));
  const solidarity = await submit(t, `/en/cases/${caseSlug}/solidarity`, {
    key: `privacy-solidarity-${events}-${p.country}-01`,
    name: p.name,
    email: p.email,
    country: p.country,
    message: `Courage from ${p.name}`,
  });
  assert.equal(solidarity.statusCode, 303, solidarity.body.slice(0, 300));
  const organizer = await makeUser(t, "organizer");
  const eventId = await makeEvent(t, { organizerId: organizer.id, country: p.country });
  const rsvp = await submit(t, `/en/events/${eventId}`, { name: p.name, email: p.alias, consent: "yes" });
  assert.equal(rsvp.statusCode, 303, rsvp.body.slice(0, 300));
  await t.runtime.mailer.send({ to: p.email, subject: "See you there", text: `Dear ${p.name}, thank you.` });
  return eventId;
}

/** Every table and text-like column (text, varchar, char, json, jsonb, arrays of them). */
export async function textColumns(db: pg.Pool): Promise<{ table: string; column: string }[]> {
  const result = await db.query<{ table: string; column: string }>(
    `SELECT c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public'
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
             OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
      ORDER BY 1, 2`,
  );
  return result.rows;
}

const SEALED_KINDS: Record<string, SealKind> = {
  email: "email",
  recipient: "email",
  name: "name",
  author: "name",
  subject: "mail",
  body: "mail",
};

/** Every table's sealed columns (bytea named <x>_sealed), opened by the node's own keys. */
async function sealedColumns(db: pg.Pool): Promise<{ table: string; column: string }[]> {
  const result = await db.query<{ table: string; column: string }>(
    `SELECT c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND c.data_type = 'bytea' AND c.column_name LIKE '%\\_sealed'
      ORDER BY 1, 2`,
  );
  return result.rows;
}

/**
 * Where any of the needles occurs (case-insensitive), as "table.column: n rows": in every
 * text-like column as stored, and in every sealed column once opened — what someone with the
 * database and its key could read. With `email`, also the rows that still carry its keyed hash
 * (the look-up columns, and a signature's person).
 */
export async function traces(db: Database, needles: string[], email?: string): Promise<string[]> {
  const found: string[] = [];
  const columns = await textColumns(db.pool);
  assert.ok(columns.length > 50, "the scan reads the whole schema");
  for (const { table, column } of columns) {
    const result = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table}" WHERE ${needles.map((_, i) => `"${column}"::text ILIKE $${i + 1}`).join(" OR ")}`,
      needles.map((n) => `%${n.replaceAll("%", "\\%").replaceAll("_", "\\_")}%`),
    );
    const n = result.rows[0]?.n ?? 0;
    if (n > 0) found.push(`${table}.${column}: ${n}`);
  }
  const sealed = await sealedColumns(db.pool);
  assert.ok(sealed.length >= 8, "the scan reads every sealed column");
  const lower = needles.map((n) => n.toLowerCase());
  for (const { table, column } of sealed) {
    const kind = SEALED_KINDS[column.slice(0, -"_sealed".length)] ?? "mail";
    const rows = await db.pool.query<{ v: Buffer }>(
      `SELECT "${column}" AS v FROM "${table}" WHERE "${column}" IS NOT NULL`,
    );
    const n = rows.rows.filter((r) => {
      const text = db.privacy.openOrNull(r.v, kind)?.toLowerCase() ?? "";
      return lower.some((needle) => text.includes(needle));
    }).length;
    if (n > 0) found.push(`${table}.${column}: ${n}`);
  }
  if (email !== undefined) {
    const key = db.privacy.emailKey(email);
    for (const [table, column, value] of [
      ["supporters", "email_key", key],
      ["consents", "email_key", key],
      ["event_rsvps", "email_key", key],
      ["outbox", "recipient_key", key],
      ["signatures", "person_key", personKey(db.privacy, email)],
    ] as const) {
      const result = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" = $1`,
        [value],
      );
      const n = result.rows[0]?.n ?? 0;
      if (n > 0) found.push(`${table}.${column}: ${n}`);
    }
  }
  return found;
}

/** The ledger's and the rollups' totals per edition, and whether they agree everywhere. */
export async function countsOf(t: TestApp) {
  const ledger = await t.db.pool.query<{ campaign_id: number; n: number }>(
    "SELECT campaign_id, sum(quantity)::int AS n FROM actions GROUP BY 1 ORDER BY 1",
  );
  const live = [...t.runtime.catalog().campaigns.values()].map((c) => [
    c.slug,
    t.runtime.counters.get(c.id)?.total ?? 0,
  ]);
  return { ledger: ledger.rows, live };
}
