import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createTestDatabase } from "../../../test/support/db.js";
import { migrate } from "./migrate.js";

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
