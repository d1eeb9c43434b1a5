import pg from "pg";
import type { Config, DatabaseTimeouts } from "../../config.js";
import { type DataKeys, loadOrCreateKeyFile } from "../privacy/keys.js";
import { openPrivacy, type Privacy, PrivacyKeyError } from "../privacy/privacy.js";
import { openEmbedded, StartupError } from "./embedded.js";
import { DatabaseHealth, type HealthLog } from "./health.js";
import { migrate } from "./migrate.js";
import { DatabaseMonitor, type WriteProbe } from "./monitor.js";
import { SupervisedPool } from "./pool.js";
import type { SupervisorLog } from "./supervisor.js";

// bigint counts (sum(), count columns) arrive as strings by default; every count this
// app stores fits in a double, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface Database {
  url: string;
  /** For requests: every wait is short (DB_* timeouts), so a request can answer 503 in time. */
  pool: SupervisedPool;
  /**
   * For long work that must not be cut by the request bounds: exports, imports, counter
   * reloads, migrations, seeding (DB_LONG_TIMEOUT_MS). A few connections, closed when idle.
   */
  bulk: SupervisedPool;
  /** Settings for a connection of its own (LISTEN), with the request bounds. */
  clientConfig: pg.ClientConfig;
  health: DatabaseHealth;
  /** Seals and opens supporters' names and emails, and hashes emails for look-ups. */
  privacy: Privacy;
  /** The keys privacy was opened with (rotation and the encryption pass need them). */
  dataKeys: DataKeys;
  /** Called when the server is going away (smart shutdown): let go of every connection. */
  onDrain(listener: () => void): void;
  /** How /readyz and the monitor find out whether a write would succeed. */
  setWriteProbe(probe: WriteProbe): void;
  close(): Promise<void>;
  /** Ends everything at once, for a stop that ran out of time. */
  kill(): Promise<void>;
}

export interface OpenOptions {
  /** CLI commands join a server another process runs on the same data directory. */
  joinRunning: boolean;
  log?: (line: string) => void;
  poolSize?: number;
  /** Operators' commands (verify, seed, migrate) may take long: their pool has the long bounds. */
  longQueries?: boolean;
  /** The node's own log: state changes of the database, restarts of the embedded server. */
  events?: HealthLog & SupervisorLog;
}

const BULK_POOL_SIZE = 3;
/** Long work is not a visitor waiting: a loaded server may take seconds to accept it. */
const LONG_CONNECT_MS = 10_000;
const POOL_END_MS = 2000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function connectionSettings(url: string, t: DatabaseTimeouts, long: boolean): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: long ? Math.max(t.connectMs, LONG_CONNECT_MS) : t.connectMs,
    statement_timeout: long ? t.longMs : t.statementMs,
    // A frozen server never cancels anything itself: this is the client's own bound.
    query_timeout: long ? t.longMs + t.queryMs : t.queryMs,
    idle_in_transaction_session_timeout: long
      ? Math.max(t.idleInTransactionMs, 60_000)
      : t.idleInTransactionMs,
    keepAlive: true,
  };
}

const quiet: HealthLog & SupervisorLog = { warn: () => {}, error: () => {} };

/**
 * DATA_KEY, or for the embedded database the key it generated into DATA_DIR. A server of one's
 * own (DATABASE_URL) gets no generated key: it would sit beside nothing the operator backs up,
 * and a second node would make another. So without DATA_KEY such a node refuses to start.
 */
export function dataKeysFor(config: Config): DataKeys {
  const current = config.dataKey ?? (config.databaseUrl ? undefined : loadOrCreateKeyFile(config.dataDir));
  if (!current) {
    throw new StartupError(
      "DATA_KEY is not set. With DATABASE_URL every node needs the same data key, which seals supporters' names and emails: " +
        "generate one with `inkwell data-key`, keep it safe (without it the personal data cannot be read), and set DATA_KEY on every node.",
    );
  }
  const previous = config.previousDataKeys.filter((key) => key.id !== current.id);
  return { current, previous };
}

/** Connects to DATABASE_URL, or starts (or joins) the embedded server, then migrates. */
export async function openDatabase(config: Config, options: OpenOptions): Promise<Database> {
  const events = options.events ?? quiet;
  // Checked before anything starts; the embedded key file goes into the data directory that
  // openEmbedded prepares (and reports on when it is not writable).
  const configuredKeys = config.databaseUrl ? dataKeysFor(config) : undefined;
  const embedded = config.databaseUrl
    ? undefined
    : await openEmbedded({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        joinRunning: options.joinRunning,
        log: options.log,
        supervise: options.events,
      });
  const url = config.databaseUrl ?? (embedded as { url: string }).url;
  const dataKeys = configuredKeys ?? dataKeysFor(config);
  const health = new DatabaseHealth(events);
  const timeouts = config.db;
  const pool = new SupervisedPool({
    ...connectionSettings(url, timeouts, options.longQueries ?? false),
    max: options.poolSize ?? config.dbPoolSize,
  });
  const bulk = new SupervisedPool({
    ...connectionSettings(url, timeouts, true),
    max: BULK_POOL_SIZE,
    idleTimeoutMillis: 5000,
  });
  // An idle client that loses its connection emits here; without a listener Node would crash.
  for (const p of [pool, bulk]) {
    p.on("error", (error) => {
      health.failed(error);
      options.log?.(`database pool: ${error.message}`);
    });
  }
  const monitor = new DatabaseMonitor(connectionSettings(url, timeouts, false), health, [pool, bulk]);
  let privacy: Privacy;
  try {
    await migrate(bulk);
    privacy = await openPrivacy(bulk, dataKeys);
  } catch (error) {
    await Promise.all([pool.end(), bulk.end()]);
    await embedded?.stop();
    throw error instanceof PrivacyKeyError ? new StartupError(error.message) : error;
  }
  // Operators' one-off commands need no watching; a serving node does.
  if (!options.longQueries) monitor.start();
  return {
    url,
    pool,
    bulk,
    clientConfig: connectionSettings(url, timeouts, false),
    health,
    privacy,
    dataKeys,
    onDrain: (listener) => monitor.onDrain(listener),
    setWriteProbe: (probe) => monitor.setWriteProbe(probe),
    close: async () => {
      monitor.stop();
      // The node is stopping its database itself: connections ending now are no outage.
      health.mute();
      // Ending a pool waits for its connections to close, which a frozen server never
      // acknowledges; stopping the server ends them anyway.
      await Promise.race([Promise.all([pool.end(), bulk.end()]), sleep(POOL_END_MS)]);
      if (embedded?.owned) await embedded.stop();
    },
    kill: async () => {
      monitor.stop();
      health.mute();
      if (embedded?.owned) await embedded.kill();
    },
  };
}
