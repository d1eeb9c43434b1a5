import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import proxyAddr from "@fastify/proxy-addr";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { DEMO_ALLOW, parseAllowList } from "./platform/http/allow.js";
import { type DataKey, parseDataKey } from "./platform/privacy/keys.js";

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
  ACTION_RATE_LIMIT_HOUR: Type.Integer({ minimum: 0, default: 1000 }),
  ACTION_RATE_LIMIT_CASE: Type.Integer({ minimum: 0, default: 60 }),
  ACTION_RATE_LIMIT_CASE_HOUR: Type.Integer({ minimum: 0, default: 500 }),
  // Read by parseAllowList; unset and empty differ (see rateLimitAllow).
  RATE_LIMIT_ALLOW: Type.Optional(Type.String()),
  CHALLENGE_WORK: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 50_000 }),
  // Read by parseTrustProxy: false, a hop count, or the proxies' addresses and CIDRs.
  TRUST_PROXY: Type.String({ default: "false" }),
  SEED_DEMO: Type.Boolean({ default: true }),
  DB_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 200, default: 10 }),
  BATCH_MAX: Type.Integer({ minimum: 1, maximum: 10000, default: 1000 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: "^https?://[^/]+$" })),
  SMTP_URL: Type.Optional(Type.String({ pattern: "^smtps?://" })),
  MAIL_FROM: Type.String({ minLength: 3, default: "Inkwell <no-reply@inkwell.invalid>" }),
  LOGIN_RATE_LIMIT: Type.Integer({ minimum: 0, default: 20 }),
  REPORTER_TOKEN_FAILURE_LIMIT: Type.Integer({ minimum: 0, default: 10 }),
  HTTP_HEADER_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
  HTTP_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 120_000 }),
  HTTP_KEEPALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 75_000 }),
  HTTP_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
  MAX_CONNECTIONS: Type.Optional(Type.Integer({ minimum: 1 })),
  MAX_CONNECTIONS_PER_ADDRESS: Type.Integer({ minimum: 1, default: 1000 }),
  MAX_STREAMS_PER_ADDRESS: Type.Integer({ minimum: 1, default: 500 }),
  MAX_STREAMS: Type.Optional(Type.Integer({ minimum: 1 })),
  STREAM_PROCESSES: Type.Integer({ minimum: 0, maximum: 16, default: 2 }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 1000 }),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 1000 }),
  DB_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 1200 }),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 10_000 }),
  DB_LONG_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 600_000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  PACK_BUILDS: Type.Boolean({ default: true }),
  PACK_DEBOUNCE_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 5_000 }),
  PACK_BUILD_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 120_000 }),
  PACK_DOWNLOAD_WAIT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 20_000 }),
  // Read by parseDataKey: 32 bytes in base64; the previous ones comma-separated.
  DATA_KEY: Type.Optional(Type.String()),
  DATA_KEY_PREVIOUS: Type.String({ default: "" }),
  INVALIDATION_JOBS: Type.Boolean({ default: true }),
  INVALIDATION_BATCH: Type.Integer({ minimum: 1, maximum: 20_000, default: 2_000 }),
  INVALIDATION_LEASE_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 30_000 }),
  RETENTION_MONTHS: Type.Integer({ minimum: 1, maximum: 120, default: 12 }),
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
  /** Online actions per client address per minute, in all; 0 turns every action limit off. */
  actionRateLimit: number;
  /** Every budget of one client address, in actions; 0 for one of them: that one is not limited. */
  actionLimits: ActionLimits;
  /**
   * Addresses and CIDRs exempt from the action limits (`a.b.c.d/32`, `::1/128`); empty exempts
   * nobody. Unset, the demo (embedded database, listening on loopback) exempts this machine.
   */
  rateLimitAllow: string[];
  /** Whether rateLimitAllow is the demo's own default rather than the operator's setting. */
  rateLimitAllowDefaulted: boolean;
  /** Attempts a proof-of-work challenge takes on average, over the limits; 0: no challenge, forms wait. */
  challengeWork: number;
  /** Which peers are proxies whose X-Forwarded-For is believed (src/platform/http/proxy.ts applies it). */
  trustProxy: TrustProxy;
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
  /** Wrong bearer tokens per client address per 15 minutes before tokens from it are refused; 0 = off. */
  reporterTokenFailureLimit: number;
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
  /** Concurrent counter streams the node holds in all (its viewers); more answer 503. */
  maxStreams: number;
  /** Child processes that hold and write the node's counter streams; 0: the node writes them itself. */
  streamProcesses: number;
  /** The soft open-file limit the node runs with; undefined where it cannot be read. */
  openFileLimit: number | undefined;
  /** Bounds on every wait for the database; see DatabaseTimeouts. */
  db: DatabaseTimeouts;
  /** SIGTERM/SIGINT: the most the node takes to drain and stop before it forces the end. */
  shutdownTimeoutMs: number;
  /** Whether this node builds case packs in the background (downloads build theirs either way). */
  packBuilds: boolean;
  /** Case packs: how long after a change to content the packs are looked at again (changes coalesce). */
  packDebounceMs: number;
  /** A pack claimed by a node for longer than this without being built is taken over by another. */
  packBuildTimeoutMs: number;
  /** A download of a pack not built yet waits this long for it, then gets the last one (or 503). */
  packDownloadWaitMs: number;
  /**
   * Seals supporters' names and emails (src/platform/privacy). Without it the embedded database
   * generates one into DATA_DIR; with DATABASE_URL the node refuses to start.
   */
  dataKey: DataKey | undefined;
  /** Keys that only open values (during a rotation: `inkwell rotate-key`). */
  previousDataKeys: DataKey[];
  /** Whether this node works on invalidation jobs in the background (any node may; one at a time per job). */
  invalidationJobs: boolean;
  /** How many actions an invalidation takes out (or a revert restores) per step. */
  invalidationBatch: number;
  /** An invalidation job whose node has not renewed its lease for this long is taken over by another node. */
  invalidationLeaseMs: number;
  /** Supporters' names and emails, and solidarity authors' names, are erased this long after their edition ended. */
  retentionMonths: number;
}

export interface ActionLimits {
  /** Burst: actions per minute, all cases together (ACTION_RATE_LIMIT). */
  minute: number;
  /** Sustained: actions per hour, all cases together. */
  hour: number;
  /** Burst for one case: actions per minute. */
  caseMinute: number;
  /** Sustained for one case: actions per hour. */
  caseHour: number;
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

/**
 * Whose X-Forwarded-For is believed. Never "everyone": the client address is the first address
 * from the right of X-Forwarded-For that is not a proxy, so a client cannot choose its own.
 */
export type TrustProxy =
  | { kind: "none" }
  /** The node is reachable only through this many proxies; each appended one address. */
  | { kind: "hops"; hops: number }
  /**
   * The proxies' addresses, CIDRs or proxy-addr's names (loopback, linklocal, uniquelocal);
   * `legacyTrue` when they come from the old `TRUST_PROXY=true`.
   */
  | { kind: "addresses"; addresses: string[]; legacyTrue: boolean };

/**
 * What the old `true` (which trusted every address) now means: proxies on this machine or on a
 * private network, which is where nearly every proxy that setting was used behind is. Unlike
 * "one hop" it stays safe when the node is also reachable directly (no stranger's header is
 * believed), and it follows a chain of private hops; a proxy with a public address fails closed
 * (its visitors share its address) and the start-up warning says what to set.
 */
export const LEGACY_TRUE_PROXIES: readonly string[] = ["loopback", "linklocal", "uniquelocal"];

const TRUST_PROXY_FORMS =
  "Expected false, a hop count (1, 2, …) or a comma-separated list of the proxies' addresses or " +
  "CIDRs (127.0.0.1, 10.0.0.0/8, ::1, fd00::/8; loopback, linklocal, uniquelocal)";

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function validProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  // Only the usual notations: ipaddr.js would also take "1" or "127.1" as addresses.
  const slash = entry.indexOf("/");
  if (isIP(slash === -1 ? entry : entry.slice(0, slash)) === 0) return false;
  try {
    // compile() judges addresses at run time, so it also judges the prefix (it refuses /0).
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/** The setting, or a problem message. */
export function parseTrustProxy(text: string): TrustProxy | string {
  const value = text.trim().toLowerCase();
  if (value === "" || value === "false" || value === "0") return { kind: "none" };
  if (value === "true") return { kind: "addresses", addresses: [...LEGACY_TRUE_PROXIES], legacyTrue: true };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 100 ? { kind: "hops", hops } : `${TRUST_PROXY_FORMS}; at most 100 hops`;
  }
  const addresses = value.split(",").map((entry) => entry.trim());
  for (const entry of addresses) {
    if (validProxyEntry(entry)) continue;
    return addresses.length === 1
      ? TRUST_PROXY_FORMS
      : `${TRUST_PROXY_FORMS}; ${JSON.stringify(entry)} is not an address or CIDR`;
  }
  return { kind: "addresses", addresses, legacyTrue: false };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const MIN_TOKEN_LENGTH = 16;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

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
  const dataKey = valid.DATA_KEY === undefined ? undefined : parseDataKey(valid.DATA_KEY);
  if (typeof dataKey === "string") problems.push(`DATA_KEY: ${dataKey}`);
  const previousDataKeys: DataKey[] = [];
  for (const text of String(valid.DATA_KEY_PREVIOUS ?? "").split(",")) {
    if (text.trim() === "") continue;
    const key = parseDataKey(text);
    if (typeof key === "string") problems.push(`DATA_KEY_PREVIOUS: ${key}`);
    else previousDataKeys.push(key);
  }
  const trustProxy = parseTrustProxy(String(valid.TRUST_PROXY ?? "false"));
  if (typeof trustProxy === "string")
    problems.push(`TRUST_PROXY: ${trustProxy} (got ${JSON.stringify(source.TRUST_PROXY ?? null)})`);
  // Unset is not empty here: empty exempts nobody, unset lets the demo exempt this machine.
  const allowSetting = source.RATE_LIMIT_ALLOW;
  const allowed = parseAllowList(allowSetting ?? "");
  if (typeof allowed === "string") problems.push(`RATE_LIMIT_ALLOW: ${allowed}`);
  if (
    problems.length > 0 ||
    typeof trustProxy === "string" ||
    typeof allowed === "string" ||
    typeof dataKey === "string"
  )
    throw new ConfigError(problems);
  // The out-of-the-box demo is the embedded database on a loopback address: nobody else can
  // reach it, and `inkwell simulate` on this machine should not be limited.
  const demo = allowSetting === undefined && !valid.DATABASE_URL && LOOPBACK_HOSTS.has(valid.HOST);
  const fileLimit = openFileLimit();
  if (valid.MAX_CONNECTIONS !== undefined && fileLimit !== undefined && valid.MAX_CONNECTIONS >= fileLimit) {
    problems.push(
      `MAX_CONNECTIONS: must stay below the process's open-file limit (${fileLimit}), or connections take the files the node needs`,
    );
  }
  const maxConnections = valid.MAX_CONNECTIONS ?? defaultMaxConnections(fileLimit);
  if (valid.MAX_STREAMS !== undefined && valid.MAX_STREAMS >= maxConnections) {
    problems.push(
      `MAX_STREAMS: must stay below MAX_CONNECTIONS (${maxConnections}), or viewers leave no connection for pages and actions`,
    );
  }
  // Node refuses a header timeout longer than the request timeout that includes it.
  if (valid.HTTP_HEADER_TIMEOUT_MS > valid.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push("HTTP_HEADER_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS");
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
    actionLimits: {
      minute: valid.ACTION_RATE_LIMIT,
      hour: valid.ACTION_RATE_LIMIT_HOUR,
      caseMinute: valid.ACTION_RATE_LIMIT_CASE,
      caseHour: valid.ACTION_RATE_LIMIT_CASE_HOUR,
    },
    rateLimitAllow: demo ? [...DEMO_ALLOW] : allowed,
    rateLimitAllowDefaulted: demo,
    challengeWork: valid.CHALLENGE_WORK,
    trustProxy,
    seedDemo: valid.SEED_DEMO,
    dbPoolSize: valid.DB_POOL_SIZE,
    batchMax: valid.BATCH_MAX,
    publicUrl:
      valid.PUBLIC_URL ?? `http://${valid.HOST === "0.0.0.0" ? "127.0.0.1" : valid.HOST}:${valid.PORT}`,
    smtpUrl: valid.SMTP_URL,
    mailFrom: valid.MAIL_FROM,
    loginRateLimit: valid.LOGIN_RATE_LIMIT,
    reporterTokenFailureLimit: valid.REPORTER_TOKEN_FAILURE_LIMIT,
    httpHeaderTimeoutMs: valid.HTTP_HEADER_TIMEOUT_MS,
    httpRequestTimeoutMs: valid.HTTP_REQUEST_TIMEOUT_MS,
    httpKeepAliveTimeoutMs: valid.HTTP_KEEPALIVE_TIMEOUT_MS,
    httpIdleTimeoutMs: valid.HTTP_IDLE_TIMEOUT_MS,
    maxConnections,
    maxConnectionsPerAddress: valid.MAX_CONNECTIONS_PER_ADDRESS,
    maxStreamsPerAddress: valid.MAX_STREAMS_PER_ADDRESS,
    maxStreams: valid.MAX_STREAMS ?? defaultMaxStreams(maxConnections),
    streamProcesses: valid.STREAM_PROCESSES,
    openFileLimit: fileLimit,
    db: {
      connectMs: valid.DB_CONNECT_TIMEOUT_MS,
      statementMs: valid.DB_STATEMENT_TIMEOUT_MS,
      queryMs: valid.DB_QUERY_TIMEOUT_MS,
      idleInTransactionMs: valid.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      longMs: valid.DB_LONG_TIMEOUT_MS,
    },
    shutdownTimeoutMs: valid.SHUTDOWN_TIMEOUT_MS,
    packBuilds: valid.PACK_BUILDS,
    packDebounceMs: valid.PACK_DEBOUNCE_MS,
    packBuildTimeoutMs: valid.PACK_BUILD_TIMEOUT_MS,
    packDownloadWaitMs: valid.PACK_DOWNLOAD_WAIT_MS,
    dataKey,
    previousDataKeys,
    invalidationJobs: valid.INVALIDATION_JOBS,
    invalidationBatch: valid.INVALIDATION_BATCH,
    invalidationLeaseMs: valid.INVALIDATION_LEASE_MS,
    retentionMonths: valid.RETENTION_MONTHS,
  };
}

/**
 * The process's soft limit on open files, from /proc/self/limits; undefined where that cannot be
 * read (not Linux). Node itself raises the soft limit to the hard one as it starts (node.cc's
 * PlatformInit; there is no setrlimit in its API, and none is needed), so this is the real
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
 * What is kept back from a total for everything else: a fortieth, at least 256, never more
 * than half. With 20,000 files that is 500 files beside 19,500 connections, and 488 of those
 * connections for pages and actions beside 19,012 viewers.
 */
function reserve(total: number): number {
  return Math.min(Math.floor(total / 2), Math.max(256, Math.ceil(total / 40)));
}

/**
 * Connections may take the open files but a reserve (the pool, listening sockets, logs, static
 * files and uploads).
 */
export function defaultMaxConnections(fileLimit = FALLBACK_FILE_LIMIT): number {
  return Math.max(1, fileLimit - reserve(fileLimit));
}

/**
 * Streams may take the connections but a reserve, so that a node full of viewers still answers
 * pages, actions and health checks, and refuses the next viewer with a 503 a proxy can retry
 * on another node instead of a closed connection.
 */
export function defaultMaxStreams(maxConnections: number): number {
  return Math.max(1, maxConnections - reserve(maxConnections));
}
