import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createTestDatabase } from "../../../test/support/db.js";
import { MIGRATIONS_DIR, MigrationChangedError, migrate, migrationChecksum } from "./migrate.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
// The migrations as the code before checksums shipped them (commit b10f614): 001 with its later
// edit (kept in fixtures/landed), and the others as they are now, which the checksum list below
// proves unchanged since they shipped. Databases made by that code look like this.
const LANDED_FILES = [
  path.join(HERE, "fixtures/landed/001_foundation.sql"),
  ...[
    "002_public_actions.sql",
    "003_back_office.sql",
    "004_cases_translations.sql",
    "007_report_imports.sql",
  ].map((name) => path.join(MIGRATIONS_DIR, name)),
];

function sqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort();
}

async function withPool<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: await createTestDatabase(), max: 2 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** What the code before checksums did: apply each file, record only its name. */
async function landedMigrate(pool: pg.Pool, files: string[]): Promise<void> {
  await pool.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  for (const file of files) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(readFileSync(file, "utf8"));
      await client.query("INSERT INTO schema_migrations (name) VALUES ($1)", [path.basename(file)]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
  }
}

/** Tables and their columns, indexes and constraints, in a stable order. */
async function schemaOf(pool: pg.Pool): Promise<Record<string, string[]>> {
  const lines = async (sql: string) => (await pool.query<{ line: string }>(sql)).rows.map((r) => r.line);
  return {
    columns: await lines(`
      SELECT concat_ws(' ', table_name, ordinal_position, column_name, data_type, is_nullable,
                       column_default, is_identity, character_maximum_length) AS line
        FROM information_schema.columns WHERE table_schema = 'public'
       ORDER BY table_name, ordinal_position`),
    indexes: await lines(`
      SELECT tablename || ' ' || indexname || ' ' || indexdef AS line
        FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`),
    constraints: await lines(`
      SELECT concat_ws(' ', conrelid::regclass, conname, contype, pg_get_constraintdef(oid)) AS line
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
       ORDER BY conrelid::regclass::text, conname`),
  };
}

async function actionForeignKeys(pool: pg.Pool): Promise<string[]> {
  const result = await pool.query<{ conname: string }>(
    "SELECT conname FROM pg_constraint WHERE conrelid = 'actions'::regclass AND contype = 'f' ORDER BY conname",
  );
  return result.rows.map((r) => r.conname);
}

test("nodes starting at once apply each migration exactly once", async () => {
  const url = await createTestDatabase();
  const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: url, max: 2 }));
  try {
    const results = await Promise.all(pools.map((pool) => migrate(pool)));
    const files = readdirSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations")).filter(
      (f) => f.endsWith(".sql"),
    );
    assert.deepEqual(
      results.flatMap((r) => r.applied).sort(),
      files.sort(),
      "each file applied by one node only",
    );
    const recorded = await pools[0]?.query("SELECT name FROM schema_migrations ORDER BY name");
    assert.deepEqual(
      recorded?.rows.map((r) => r.name),
      files.sort(),
    );
    assert.deepEqual((await migrate(pools[0] as pg.Pool)).applied, [], "a second start applies nothing");
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
});

// Shipped migrations never change. A new migration is added here when it ships; a failure
// here means a shipped file was edited: put the change in a new migration instead.
const SHIPPED: Record<string, string> = {
  "001_foundation.sql": "a72c4121c2dc2c90cfade6ba93b222970a5801a35b6c558828fd855c37c26b7c",
  "002_public_actions.sql": "d291e28e01ee59de3860f54ca8c0bbd8cbffa46e2b1303141c36785aecd3b3bf",
  "003_back_office.sql": "c87e5b37f4abf726febea3e3b7c540b696f8f33023d010dd0d14643771366506",
  "004_cases_translations.sql": "f06cc7f1e665faf5378ff36f2471bab0df55c65f8add99ca702cdeac1540dd60",
  "007_report_imports.sql": "8df1b99a6d3df5ee4642bb45942b6aa9429345b4818164bbcb513f7cdb7419b9",
  "008_actions_without_foreign_keys.sql": "c7ae9546510e6e65194cc9a1c40f217c939c0c22709aae666c706302882afd25",
  "010_login_throttle.sql": "0ba1251762caa1a544494b70bf10fe2ad5b1d8d7f9855c1a46448750ed9394ce",
  "011_form_submissions.sql": "2d8598eef0da07eb86647bb823952ea0115cbb26292434cd8366f180cfaffd18",
  "012_action_source.sql": "a0d29b675a8ca1836f1103605a26c89f654442b61ab8c81ebbd9de657a04d07d",
  "013_editions_sections.sql": "632180321d1ec5d5005c5adf9ad29e9707d4a12e840675d402e2cb1dc20613e6",
  "014_translation_workflow.sql": "67c3a39495224d1810bd044f2cf56c4b41e3b58ee2d6c5696f293717ef4711c9",
  "016_translation_exchange.sql": "5c689209bf3b1e5df83369d6433e2d7e259aeef9198bd10b596db08ebd52be21",
  "017_user_locale.sql": "49c90f1d1a627bb6a3066c5e2f87a95b905d4fd817b592e8547a4159477c5b9b",
  "018_material_packs.sql": "e4aa3453453e8a9b7708b8c2c04f1039729845360e94bc3e94bfdacf0988bf49",
  "019_signatures.sql": "ded3b073a9fc0487e9d6cdbf35fcf1957b8e86cf17860b9add49cc13374bcdef",
  "020_abuse_defence.sql": "83e3327213b777aaddb8ac1bb607a6f92d92840a5c80b3d2594ec72d168a2ad0",
  "021_invalidation.sql": "1f9e0efba4bb3a6dbb009f60a20942b8e5945d0f87a68f5ca347d7fca070c3fe",
  "022_rsvp_confirmation.sql": "5391428f819eedcfe6c52dc8288222422e271c074d9d8b38944e2244425aca3c",
  "023_personal_data_sealed.sql": "e58b89a27f5bdd81c2ea2d10d20b789590bc7139bdeb7ab72260fbdf19a09802",
  "024_personal_data.sql": "a92328b43eb44fc9676c8b46346051afa3f98a0d0e3970a79839201e326b48ea",
  "025_entity_text_review.sql": "74851dc5e56da186a564c3f86644a20611ffdbcc88081c5857358823129f62c9",
};

test("shipped migrations keep the content they shipped with", () => {
  for (const [file, checksum] of Object.entries(SHIPPED)) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, file), "utf8");
    assert.equal(migrationChecksum(sql), checksum, `${file} changed after it shipped`);
  }
  assert.equal(migrationChecksum("a\r\nb\r\n"), migrationChecksum("a\nb\n"), "CRLF line ends are no change");
});

test("each applied migration's checksum is recorded; a changed file stops the start, naming it", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inkwell-migrations-"));
  try {
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    await withPool(async (pool) => {
      await migrate(pool, { dir });
      const recorded = await pool.query<{ name: string; checksum: string }>(
        "SELECT name, checksum FROM schema_migrations ORDER BY name",
      );
      assert.deepEqual(
        recorded.rows,
        sqlFiles(dir).map((name) => ({
          name,
          checksum: migrationChecksum(readFileSync(path.join(dir, name), "utf8")),
        })),
      );

      appendFileSync(path.join(dir, "002_public_actions.sql"), "\n-- an afterthought\n");
      // A new file waiting to be applied is not applied while an applied one has changed.
      appendFileSync(path.join(dir, "999_later.sql"), "CREATE TABLE later (id integer);\n");
      await assert.rejects(migrate(pool, { dir }), (error: Error) => {
        assert.ok(error instanceof MigrationChangedError);
        assert.match(error.message, /Migration 002_public_actions\.sql was changed after it was applied/);
        return true;
      });
      const later = await pool.query("SELECT to_regclass('later') AS t");
      assert.equal(later.rows[0].t, null, "nothing applied after the refusal");
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a database made before checksums upgrades cleanly to the schema of a fresh one", async () => {
  await withPool(async (fresh) => {
    await migrate(fresh);
    const expected = await schemaOf(fresh);
    assert.deepEqual(await actionForeignKeys(fresh), [], "the ledger has no foreign keys");

    await withPool(async (landed) => {
      await landedMigrate(landed, LANDED_FILES);
      const result = await migrate(landed);
      const landedNames = LANDED_FILES.map((f) => path.basename(f));
      assert.deepEqual(
        result.applied,
        sqlFiles(MIGRATIONS_DIR).filter((name) => !landedNames.includes(name)),
        "every migration made after checksums shipped (008 onwards)",
      );
      assert.deepEqual(
        result.backfilled,
        LANDED_FILES.map((f) => path.basename(f)),
        "checksums filled from the current files",
      );
      assert.deepEqual(await schemaOf(landed), expected);

      const recorded = await landed.query<{ name: string; checksum: string }>(
        "SELECT name, checksum FROM schema_migrations ORDER BY name",
      );
      assert.deepEqual(
        recorded.rows,
        sqlFiles(MIGRATIONS_DIR).map((name) => ({
          name,
          checksum: migrationChecksum(readFileSync(path.join(MIGRATIONS_DIR, name), "utf8")),
        })),
      );
      const again = await migrate(landed);
      assert.deepEqual(again, { applied: [], backfilled: [] }, "a second start finds nothing to do");
    });
  });
});

test("a database made from the shipped 001 loses the ledger's foreign keys, keeping its rows", async () => {
  await withPool(async (pool) => {
    await landedMigrate(pool, [path.join(MIGRATIONS_DIR, "001_foundation.sql")]);
    assert.equal((await actionForeignKeys(pool)).length, 2, "the shipped 001 has the foreign keys");
    await pool.query(`
        INSERT INTO campaigns (slug, title, starts_at, ends_at, goal)
          VALUES ('w4r', 'Write', '2012-12-01', '2012-12-31', 10);
        INSERT INTO cases (slug, country) VALUES ('a-case', 'FR');
        INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, occurred_at)
          VALUES ('00000000-0000-7000-8000-000000000001', 1, 1, 'letter', 1, 'FR', 'web', now());`);
    const result = await migrate(pool);
    assert.deepEqual(result.backfilled, ["001_foundation.sql"]);
    assert.ok(result.applied.includes("008_actions_without_foreign_keys.sql"));
    assert.deepEqual(await actionForeignKeys(pool), []);
    const rows = await pool.query("SELECT count(*)::int AS n FROM actions");
    assert.equal(rows.rows[0].n, 1);
  });
});
