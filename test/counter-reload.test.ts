import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CampaignCounter, Counters } from "../src/core/counter/aggregates.js";
import { verifyCounters } from "../src/core/ledger/verify.js";
import { startTestApp, type TestApp } from "./support/app.js";

// A node loads its counters from sums the database makes over the rollups, not from every
// rollup key; what it ends up with must be what adding each key one by one gives, corrections,
// keys summing to zero and several editions included.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

function plain(counter: CampaignCounter) {
  const sorted = <K>(m: Map<K, number>) => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return {
    total: counter.total,
    byCountry: sorted(counter.byCountry),
    byCase: sorted(counter.byCase),
    byType: sorted(counter.byType),
    byHour: sorted(counter.byHour),
    byCaseCountry: [...counter.byCaseCountry]
      .map(([id, m]) => [id, sorted(m)] as const)
      .sort((a, b) => a[0] - b[0]),
  };
}

test("a reload from the rollups equals the rollups added key by key", async () => {
  const pool = t.db.pool;
  const campaigns = (await pool.query<{ id: number }>("SELECT id FROM campaigns ORDER BY id")).rows;
  assert.ok(campaigns.length >= 2, "the demo has two editions");
  // Beside the demo's keys: a correction that takes a key below zero, a key that sums to zero
  // with another in the same country and case, and a country no other key has.
  const hour = "2012-12-10T12:00:00Z";
  await pool.query(
    `INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
     SELECT $1, v.country, (SELECT min(case_id) FROM campaign_cases WHERE campaign_id = $1), v.type,
            $2::timestamptz + v.h * interval '1 hour', v.n
       FROM (VALUES ('ZZ', 'letter', 0, 5), ('ZZ', 'petition', 1, -5), ('FR', 'sms', 2, -3),
                    ('YY', 'email', 3, 0)) AS v (country, type, h, n)
     ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + EXCLUDED.count`,
    [campaigns[0]?.id, hour],
  );
  const keys = await pool.query<{
    campaign_id: number;
    country: string;
    case_id: number;
    type: string;
    hour: Date;
    count: number;
  }>("SELECT campaign_id, country, case_id, type, hour, count FROM rollups");
  assert.ok(keys.rows.length > 100, "enough keys to sum");
  const expected = new Counters();
  for (const r of keys.rows)
    expected.of(r.campaign_id).add(r.country, r.case_id, r.type, r.hour.getTime(), r.count);

  await t.runtime.sync.reload();
  for (const { id } of campaigns) {
    const loaded = t.runtime.counters.get(id);
    const wanted = expected.get(id);
    assert.ok(loaded && wanted, `edition ${id} is loaded`);
    assert.deepEqual(plain(loaded), plain(wanted), `edition ${id}`);
  }
  const first = t.runtime.counters.get(campaigns[0]?.id as number) as CampaignCounter;
  assert.equal(first.byCountry.get("ZZ"), 0, "a country whose keys sum to zero is there with 0");
  assert.equal(first.byCountry.get("YY"), 0);
  assert.equal(first.byType.get("petition") !== undefined, true);
});

test("verify compares in the database and returns only totals and differences", async () => {
  const result = await verifyCounters(t.db.bulk);
  // The rollups above were written without ledger rows: each is a difference.
  assert.equal(result.differences.length, 3, "ZZ letter, ZZ petition and FR sms differ; YY is 0 = 0");
  const keys = (await t.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM rollups")).rows[0]?.n;
  assert.equal(result.rollupKeys, keys);
  const ledger = (await t.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM actions")).rows[0]?.n;
  assert.equal(result.actions, ledger);
  const sums = await t.db.pool.query<{ slug: string; n: number }>(
    "SELECT c.slug, coalesce(sum(a.quantity), 0)::bigint AS n FROM campaigns c LEFT JOIN actions a ON a.campaign_id = c.id GROUP BY c.slug",
  );
  for (const { slug, n } of sums.rows) {
    const total = result.totals.find((x) => x.campaign === slug);
    assert.equal(total?.ledger, n, `${slug}: the ledger's sum`);
  }
});
