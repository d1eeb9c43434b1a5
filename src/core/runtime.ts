import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../platform/db/database.js";
import { databaseUnavailable } from "../platform/db/errors.js";
import { setMessageOverrides } from "../platform/i18n/messages.js";
import { readMessageOverrides } from "../platform/i18n/overrides.js";
import { createMailer, type Mailer } from "../platform/mail/mailer.js";
import { encryptClearText } from "../platform/privacy/passes.js";
import { CATALOG_CHANNEL, type Catalog, CONTENT_CHANNEL, loadCatalog } from "./catalog/catalog.js";
import { Counters } from "./counter/aggregates.js";
import { CounterRenderer } from "./counter/presenter.js";
import { StreamProcesses } from "./counter/stream-processes.js";
import { CounterStreams } from "./counter/streams.js";
import { CounterSync } from "./counter/sync.js";
import { probeLedgerWrite } from "./ledger/append.js";
import { Batcher } from "./ledger/batcher.js";

// Everything one node holds in memory besides the HTTP server: the catalog, the counters and
// their synchronisation, the group-commit batcher and the live streams.

export interface Runtime {
  config: Config;
  db: Database;
  /** This node's name as a writer of batches. */
  origin: string;
  catalog(): Catalog;
  reloadCatalog(): Promise<void>;
  counters: Counters;
  sync: CounterSync;
  batcher: Batcher;
  renderer: CounterRenderer;
  streams: CounterStreams;
  mailer: Mailer;
  /** Country → section id, from the catalog (for the back office's policies). */
  sectionOf(country: string): number | undefined;
  /** After a change to campaigns, cases or sections: reload here now, and on every node. */
  catalogChanged(): Promise<void>;
  /**
   * The version of everything public besides the counters: the catalog's, and the content's
   * announced with contentChanged(). The shared pages name their buildings with it.
   */
  publicVersion(): string;
  /** After a change to public content outside the catalog (events, RSVPs, moderation). */
  contentChanged(): Promise<void>;
  /**
   * Calls `listener` after every move of publicVersion() on this node (a catalog reload, a
   * content change here or announced by another node); returns the unsubscribe.
   */
  onPublicChange(listener: () => void): () => void;
  /** Settles when the start's pass over clear-text personal data has ended (sealed, or stopped). */
  sealed: Promise<void>;
  /** Stops taking actions, writes what is queued, closes streams; the database stays open. */
  close(): Promise<void>;
}

/**
 * The catalog and the interface messages imported in the back office, read together: both are
 * announced on the catalog channel, and the messages are in place before the catalog's new
 * version names what pages are built from.
 */
async function loadContent(db: Database): Promise<{ catalog: Catalog; apply(): void }> {
  const [catalog, overrides] = await Promise.all([loadCatalog(db.pool), readMessageOverrides(db.pool)]);
  return { catalog, apply: () => setMessageOverrides(overrides) };
}

export async function startRuntime(config: Config, db: Database, log: Logger): Promise<Runtime> {
  const origin = `node-${randomUUID()}`;
  // Loaded while the counters load (below): a restart waits for the longer of the two only.
  const firstCatalog = loadContent(db);
  // Until the first load settles, a failure is the start's to report (below), not unhandled.
  firstCatalog.catch(() => {});
  // Set before startRuntime returns, by the first load or by a reload that overtook it.
  let catalog!: Catalog;
  let streams: CounterStreams | undefined;
  let content = 0;
  const publicListeners = new Set<() => void>();
  const publicMoved = () => {
    for (const listener of publicListeners) listener();
  };
  // Reloads overlap (a node's own after its write, and the one its NOTIFY starts): a slower,
  // older read must not replace a newer one, or a case just published looks unpublished again.
  let reloadsStarted = 0;
  let reloadApplied = 0;
  const reloadCatalog = async () => {
    const reload = ++reloadsStarted;
    const loaded = await loadContent(db);
    if (reload < reloadApplied) return;
    reloadApplied = reload;
    loaded.apply();
    catalog = loaded.catalog;
    streams?.refresh();
    publicMoved();
  };
  const counters = new Counters();
  const sync = new CounterSync({
    url: db.url,
    clientConfig: db.clientConfig,
    pool: db.bulk,
    counters,
    origin,
    onCatalogChange: () => {
      reloadCatalog().catch((error) => log.error({ err: error }, "catalog reload failed"));
    },
    onContentChange: () => {
      content++;
      publicMoved();
    },
    log: (message, error) => (error ? log.warn({ err: error }, message) : log.warn(message)),
  });
  const batcher = new Batcher({
    pool: db.pool,
    privacy: db.privacy,
    origin,
    maxBatch: config.batchMax,
    timeoutMs: config.db.queryMs,
    onWrite: (error) => (error === undefined ? db.health.writeSucceeded() : db.health.writeFailed(error)),
    onCommitted: (seq, delta) => sync.receive({ origin, seq, delta }),
    // An outage is reported by the requests that fail with it, once per outage (OutageLog);
    // anything else a batch fails with is a bug worth its stack.
    log: (message, error) =>
      databaseUnavailable(error)
        ? log.debug(`${message}: ${(error as Error).message}`)
        : log.error({ err: error }, message),
  });
  // A server going away waits for its last client: the listener lets go too (and comes back).
  db.onDrain(() => sync.dropConnection());
  // A batch refused during the outage may have committed after all: count from the rollups.
  db.health.onChange((reachable) => {
    if (reachable && sync.loaded) void sync.reload();
  });
  db.setWriteProbe(probeLedgerWrite);
  // The catalog first: a change announced while the counters load reloads it after that.
  const [loadedCatalog] = await Promise.all([firstCatalog, sync.start()]);
  // Set already only by a reload of a change announced meanwhile, which read the newer one.
  if (catalog === undefined) {
    loadedCatalog.apply();
    catalog = loadedCatalog.catalog;
  }
  const renderer = new CounterRenderer(
    () => catalog,
    counters,
    () => sync.freshness(),
  );
  // A healthy stream must write well within the idle timeout that drops stuck ones.
  const heartbeatMs = Math.min(15_000, Math.floor(config.httpIdleTimeoutMs / 3));
  const processes =
    config.streamProcesses > 0
      ? await StreamProcesses.start({
          processes: config.streamProcesses,
          idleTimeoutMs: config.httpIdleTimeoutMs,
          heartbeatMs,
          log: (message) => log.warn(message),
        })
      : undefined;
  streams = new CounterStreams(counters, renderer, (id) => catalog.campaignsById.get(id), {
    heartbeatMs,
    maxPerAddress: config.maxStreamsPerAddress,
    max: config.maxStreams,
    processes,
  });
  const mailer = createMailer(config, db.pool, log, db.privacy);
  // Rows from before encryption are sealed in the background, a batch at a time, by every node
  // that starts (they share the rows, SKIP LOCKED); reads meanwhile take either form.
  let closing = false;
  const sealing = encryptClearText(db.bulk, db.privacy, {
    stopped: () => closing,
    progress: (table, rows) =>
      log.info(`sealed ${rows} rows of ${table} stored in clear text before encryption`),
  }).catch((error) =>
    log.warn({ err: error }, "sealing clear-text personal data stopped; it resumes at the next start"),
  );
  return {
    config,
    db,
    origin,
    catalog: () => catalog,
    reloadCatalog,
    counters,
    sync,
    batcher,
    renderer,
    streams,
    mailer,
    sectionOf: (country) => catalog.sections.get(country),
    catalogChanged: async () => {
      await db.pool.query(`NOTIFY ${CATALOG_CHANNEL}`);
      await reloadCatalog();
    },
    publicVersion: () => `${catalog.version}.${content}`,
    contentChanged: async () => {
      await db.pool.query(`NOTIFY ${CONTENT_CHANNEL}`);
      content++;
      publicMoved();
    },
    onPublicChange: (listener) => {
      publicListeners.add(listener);
      return () => publicListeners.delete(listener);
    },
    sealed: sealing.then(() => {}),
    close: async () => {
      closing = true;
      await sealing;
      mailer.close();
      await streams.close();
      await processes?.stop();
      await batcher.close();
      await sync.stop();
    },
  };
}
