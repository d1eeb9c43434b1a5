import pg from "pg";
import type { Config } from "../../config.js";
import { openEmbedded } from "./embedded.js";
import { migrate } from "./migrate.js";

// bigint counts (sum(), count columns) arrive as strings by default; every count this
// app stores fits in a double, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface Database {
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** CLI commands join a server another process runs on the same data directory. */
  joinRunning: boolean;
  log?: (line: string) => void;
  poolSize?: number;
}

/** Connects to DATABASE_URL, or starts (or joins) the embedded server, then migrates. */
export async function openDatabase(config: Config, options: OpenOptions): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await openEmbedded({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        joinRunning: options.joinRunning,
        log: options.log,
      });
  const url = config.databaseUrl ?? (embedded as { url: string }).url;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? config.dbPoolSize });
  // An idle client that loses its connection emits here; without a listener Node would crash.
  pool.on("error", (error) => options.log?.(`database pool: ${error.message}`));
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    url,
    pool,
    close: async () => {
      await pool.end();
      if (embedded?.owned) await embedded.stop();
    },
  };
}
