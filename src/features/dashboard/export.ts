import { pipeline, type Readable, Transform } from "node:stream";
import { stringify } from "csv-stringify";
import type pg from "pg";
import QueryStream from "pg-query-stream";

// Counts by day, country, case and type as CSV, for spreadsheets and reports to donors.
//
// It must stay flat in memory however many actions an edition has: the rows are read through a
// cursor (pg-query-stream, a batch at a time) and written as CSV as the client takes them, with
// backpressure all the way down to the cursor — the server never holds the whole result.
//
// The counts come from the hourly rollups, which hold every committed action and correction
// (a correction is a negative count, so it sums in). Hours become days in UTC. The order follows
// the rollups' primary key (country, case, type, then time), so PostgreSQL can read the index in
// order and only sort each small group by day: the first rows leave before the last are read.

export const EXPORT_COLUMNS = ["day", "country", "case", "type", "count"] as const;

const EXPORT_SQL = `
  SELECT ((hour AT TIME ZONE 'UTC')::date)::text AS day, country, case_id, type, sum(count)::text AS count
    FROM rollups
   WHERE campaign_id = $1
   GROUP BY country, case_id, type, (hour AT TIME ZONE 'UTC')::date
  HAVING sum(count) <> 0
   ORDER BY country, case_id, type, day`;

const BATCH_ROWS = 2000;

/**
 * Starts the export of one edition and returns the CSV as a stream. The database connection is
 * held until the last row is read, and given back (or dropped, if the reader went away half way)
 * when the stream ends.
 */
export async function exportCounts(pool: pg.Pool, campaignId: number): Promise<Readable> {
  const client = await pool.connect();
  let slugs: Map<number, string>;
  try {
    const cases = await client.query<{ id: number; slug: string }>("SELECT id, slug FROM cases");
    slugs = new Map(cases.rows.map((r) => [r.id, r.slug]));
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  const rows = client.query(
    new QueryStream(EXPORT_SQL, [campaignId], { batchSize: BATCH_ROWS, rowMode: "array" }),
  );
  const records = new Transform({
    objectMode: true,
    transform(row: [string, string, number, string, string], _encoding, done) {
      const [day, country, caseId, type, count] = row;
      done(null, [day, country.trim(), slugs.get(caseId) ?? String(caseId), type, count]);
    },
  });
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  // A reader that stops early destroys the CSV stream; pipeline then closes the cursor, and the
  // connection, whose cursor was left half read, is dropped rather than reused.
  pipeline(rows, records, csv, (error) => client.release(error ?? undefined));
  return csv;
}
