import type { FastifyInstance } from "fastify";
import pino from "pino";
import type { Config } from "../../src/config.js";
import { type Runtime, startRuntime } from "../../src/core/runtime.js";
import { seedDemo } from "../../src/demo/seed.js";
import type { Database } from "../../src/platform/db/database.js";
import { openDatabase } from "../../src/platform/db/database.js";
import { buildApp } from "../../src/server/app.js";
import { createTestDatabase, testConfig } from "./db.js";
import type { LogLines } from "./logs.js";

export const REPORTER_TOKEN = "reporter-token-for-tests-0001";

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  db: Database;
  config: Config;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Where the node's log lines go (the runtime's and the server's), kept for the test to read. */
  logs?: LogLines;
  /** The lowest level logged into `logs`; default warn. */
  logLevel?: string;
}

/** A node on a fresh database holding the demo editions (2012 open now, 2011 before it). */
export async function startTestApp(
  overrides: Record<string, string> = {},
  url?: string,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const databaseUrl = url ?? (await createTestDatabase());
  const config = testConfig(databaseUrl, overrides);
  const log = options.logs
    ? pino({ level: options.logLevel ?? "warn" }, options.logs)
    : pino({ level: options.logLevel ?? "warn" });
  // The database's state changes go to the node's log, as in `inkwell start`.
  const events = {
    warn: (message: string) => log.warn(message),
    error: (message: string) => log.error(message),
  };
  const db = await openDatabase(config, { joinRunning: false, events });
  if (!url) await seedDemo(db.bulk);
  const runtime = await startRuntime(config, db, log);
  const app = await buildApp(runtime, options.logs ? { logger: log } : {});
  await app.ready();
  return {
    app,
    runtime,
    db,
    config,
    close: async () => {
      await app.close();
      await runtime.close();
      await db.close();
    },
  };
}

export function action(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { campaign: "w4r-2012", case: "gao-zhisheng", type: "letter", country: "FR", ...overrides };
}

/** POSTs an action to a node in-process; the body may be raw text, to send malformed JSON. */
export function postAction(node: TestApp, body: unknown, headers: Record<string, string> = {}) {
  return node.app.inject({
    method: "POST",
    url: "/api/v1/actions",
    headers: { "content-type": "application/json", ...headers },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Makes a test node listen on a free loopback port, for real HTTP clients; returns its base URL. */
export async function listen(node: TestApp): Promise<string> {
  await node.app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(node.app.server.address() as { port: number }).port}`;
}
