import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Config, loadConfig } from "../../src/config.js";
import { type Database, openDatabase } from "../../src/platform/db/database.js";

// Each test file gets a database of its own on the server `npm test` started, so files can
// run in parallel and never see each other's actions.

export async function createTestDatabase(): Promise<string> {
  const base = loadConfig().databaseUrl;
  if (!base) throw new Error("Run the tests with `npm test`, which starts the test database server.");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The data key of every test node (run.ts gives it to the test processes too, so servers they
 * start as children share it): the tests' databases come and go with the run.
 */
export const TEST_DATA_KEY = Buffer.alloc(32, 0x5a).toString("base64");

export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "warn",
    REPORTER_TOKENS: "reporter-token-for-tests-0001",
    ACTION_RATE_LIMIT: "0",
    // In-process tests share two cores with whole test files; the default bounds, made for a
    // server that answers requests in milliseconds, are exercised by test/faults/.
    DB_STATEMENT_TIMEOUT_MS: "30000",
    DB_QUERY_TIMEOUT_MS: "30000",
    DB_CONNECT_TIMEOUT_MS: "10000",
    // Background case packs render dozens of PDFs; the tests that want them turn them on.
    PACK_BUILDS: "false",
    // Each app in a test writes its own streams; stream-processes.test.ts hands them over.
    STREAM_PROCESSES: "0",
    DATA_KEY: TEST_DATA_KEY,
    ...overrides,
  });
}

export async function openTestDatabase(url: string): Promise<Database> {
  return openDatabase(testConfig(url), { joinRunning: false });
}
