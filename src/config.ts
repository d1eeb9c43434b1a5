import path from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

// The configuration is checked with TypeBox 0.34's Value (its messages are the ones operators know);
// routes use TypeBox 1 ("typebox"), the version the Fastify type provider reads.

// The one place that reads process.env. Every setting is listed here, validated at start,
// and every problem is reported at once so an operator fixes them in one go.

const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: "127.0.0.1" }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  DATA_DIR: Type.String({ minLength: 1, default: "./data" }),
  EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 5488 }),
  LOG_LEVEL: Type.String({ pattern: "^(fatal|error|warn|info|debug|trace|silent)$", default: "info" }),
  REPORTER_TOKENS: Type.String({ default: "" }),
  ACTION_RATE_LIMIT: Type.Integer({ minimum: 0, default: 120 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  SEED_DEMO: Type.Boolean({ default: true }),
  DB_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 200, default: 10 }),
  BATCH_MAX: Type.Integer({ minimum: 1, maximum: 10000, default: 1000 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: "^https?://[^/]+$" })),
  SMTP_URL: Type.Optional(Type.String({ pattern: "^smtps?://" })),
  MAIL_FROM: Type.String({ minLength: 3, default: "Inkwell <no-reply@inkwell.invalid>" }),
  LOGIN_RATE_LIMIT: Type.Integer({ minimum: 0, default: 20 }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 1000 }),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 1000 }),
  DB_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 1200 }),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 10_000 }),
  DB_LONG_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 600_000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
});

export type Env = Static<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  /** Set when an existing PostgreSQL is used; otherwise the embedded server is started. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  logLevel: string;
  /** Bearer tokens allowed to post reported batches (quantity > 1) and late reports. */
  reporterTokens: string[];
  /** Online actions per client address per minute; 0 turns the limit off. */
  actionRateLimit: number;
  trustProxy: boolean;
  seedDemo: boolean;
  dbPoolSize: number;
  batchMax: number;
  /** The address people use to reach the site, for links in emails (no trailing slash). */
  publicUrl: string;
  /** Mail goes through this SMTP server when set; otherwise only into the outbox and the log. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Login and password-reset attempts per address per 15 minutes; 0 turns the limit off. */
  loginRateLimit: number;
  /** Bounds on every wait for the database; see DatabaseTimeouts. */
  db: DatabaseTimeouts;
  /** SIGTERM/SIGINT: the most the node takes to drain and stop before it forces the end. */
  shutdownTimeoutMs: number;
}

export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free one in the pool. */
  connectMs: number;
  /** Server side: a request's statement is cancelled after this. */
  statementMs: number;
  /** Client side: a request stops waiting for an answer after this (a frozen server never cancels). */
  queryMs: number;
  /** Server side: a transaction left idle this long is ended, and its locks with it. */
  idleInTransactionMs: number;
  /** Statement and answer bound for long work: exports, imports, counter reloads, migrations, CLI. */
  longMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const MIN_TOKEN_LENGTH = 16;

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const env = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, env)].map((e) => {
    const name = e.path.replace(/^\//, "");
    return `${name}: ${e.message} (got ${JSON.stringify(source[name] ?? null)})`;
  });
  const valid = env as Env;
  const reporterTokens = String(valid.REPORTER_TOKENS ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  for (const token of reporterTokens) {
    if (token.length < MIN_TOKEN_LENGTH) {
      problems.push(`REPORTER_TOKENS: every token needs at least ${MIN_TOKEN_LENGTH} characters`);
      break;
    }
  }
  if (problems.length === 0 && valid.DB_QUERY_TIMEOUT_MS < valid.DB_STATEMENT_TIMEOUT_MS) {
    // The server's cancellation is the clean one; the client's bound is for a server that froze.
    problems.push("DB_QUERY_TIMEOUT_MS: must be at least DB_STATEMENT_TIMEOUT_MS");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: valid.PORT,
    host: valid.HOST,
    databaseUrl: valid.DATABASE_URL,
    dataDir: path.resolve(valid.DATA_DIR),
    embeddedPgPort: valid.EMBEDDED_PG_PORT,
    logLevel: valid.LOG_LEVEL,
    reporterTokens,
    actionRateLimit: valid.ACTION_RATE_LIMIT,
    trustProxy: valid.TRUST_PROXY,
    seedDemo: valid.SEED_DEMO,
    dbPoolSize: valid.DB_POOL_SIZE,
    batchMax: valid.BATCH_MAX,
    publicUrl:
      valid.PUBLIC_URL ?? `http://${valid.HOST === "0.0.0.0" ? "127.0.0.1" : valid.HOST}:${valid.PORT}`,
    smtpUrl: valid.SMTP_URL,
    mailFrom: valid.MAIL_FROM,
    loginRateLimit: valid.LOGIN_RATE_LIMIT,
    db: {
      connectMs: valid.DB_CONNECT_TIMEOUT_MS,
      statementMs: valid.DB_STATEMENT_TIMEOUT_MS,
      queryMs: valid.DB_QUERY_TIMEOUT_MS,
      idleInTransactionMs: valid.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      longMs: valid.DB_LONG_TIMEOUT_MS,
    },
    shutdownTimeoutMs: valid.SHUTDOWN_TIMEOUT_MS,
  };
}
