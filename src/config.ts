import { readFileSync } from "node:fs";
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
  HTTP_HEADER_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
  HTTP_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 120_000 }),
  HTTP_KEEPALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 75_000 }),
  HTTP_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
  MAX_CONNECTIONS: Type.Optional(Type.Integer({ minimum: 1 })),
  MAX_CONNECTIONS_PER_ADDRESS: Type.Integer({ minimum: 1, default: 1000 }),
  MAX_STREAMS_PER_ADDRESS: Type.Integer({ minimum: 1, default: 500 }),
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
  /** Time for a request's headers to arrive, from its first byte (or from the connection). */
  httpHeaderTimeoutMs: number;
  /** Time for a whole request, headers and body, to arrive. */
  httpRequestTimeoutMs: number;
  /** How long a connection may wait, idle, for its next request. */
  httpKeepAliveTimeoutMs: number;
  /** A connection on which no byte moves either way for this long is closed. */
  httpIdleTimeoutMs: number;
  /** Open connections the node accepts in all; more are closed at once. */
  maxConnections: number;
  /** Open connections from one client address (an IPv6 /64), except declared proxies. */
  maxConnectionsPerAddress: number;
  /** Concurrent counter streams for one client address. */
  maxStreamsPerAddress: number;
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
  const fileLimit = openFileLimit();
  if (valid.MAX_CONNECTIONS !== undefined && fileLimit !== undefined && valid.MAX_CONNECTIONS >= fileLimit) {
    problems.push(
      `MAX_CONNECTIONS: must stay below the process's open-file limit (${fileLimit}), or connections take the files the node needs`,
    );
  }
  // Node refuses a header timeout longer than the request timeout that includes it.
  if (valid.HTTP_HEADER_TIMEOUT_MS > valid.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push("HTTP_HEADER_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS");
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
    httpHeaderTimeoutMs: valid.HTTP_HEADER_TIMEOUT_MS,
    httpRequestTimeoutMs: valid.HTTP_REQUEST_TIMEOUT_MS,
    httpKeepAliveTimeoutMs: valid.HTTP_KEEPALIVE_TIMEOUT_MS,
    httpIdleTimeoutMs: valid.HTTP_IDLE_TIMEOUT_MS,
    maxConnections: valid.MAX_CONNECTIONS ?? defaultMaxConnections(fileLimit),
    maxConnectionsPerAddress: valid.MAX_CONNECTIONS_PER_ADDRESS,
    maxStreamsPerAddress: valid.MAX_STREAMS_PER_ADDRESS,
  };
}

/**
 * The process's soft limit on open files, from /proc/self/limits; undefined where that cannot be
 * read (not Linux). Node raises the soft limit to the hard one as it starts, so this is the real
 * ceiling for sockets, the database pool, logs and files together.
 */
export function openFileLimit(limits?: string): number | undefined {
  let text = limits;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/limits", "utf8");
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/** Assumed where the limit cannot be read; Node's raised limit is higher on common systems. */
const FALLBACK_FILE_LIMIT = 4096;

/**
 * Connections may take the open files but a reserve: a tenth of them, at least 256 (the pool,
 * listening sockets, logs, static files and uploads), and never more than half.
 */
export function defaultMaxConnections(fileLimit = FALLBACK_FILE_LIMIT): number {
  const reserve = Math.min(Math.floor(fileLimit / 2), Math.max(256, Math.ceil(fileLimit / 10)));
  return Math.max(1, fileLimit - reserve);
}
