import { randomUUID } from "node:crypto";
import type { Config } from "../../config.js";
import { Batcher } from "../../core/ledger/batcher.js";
import type { Database } from "../../platform/db/database.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { type Actor, officeText } from "../office/index.js";
import { type CriteriaInput, describeCriteria, parseCriteria } from "./criteria.js";
import { InvalidationRunner, runToEnd } from "./runner.js";
import { createJob, type Job, preview } from "./store.js";

// `inkwell invalidate`: the office's preview and job from the command line. With --yes the job
// runs here, to its end, through a batcher of this process (the same append statement as any
// node's, announced to every node); if this process dies, a node takes the job over when its
// lease runs out.

export interface InvalidateOptions extends CriteriaInput {
  reason?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export async function invalidateCommand(
  config: Config,
  db: Database,
  actor: Actor,
  options: InvalidateOptions,
  print: (line: string) => void,
): Promise<number> {
  const { criteria, errors } = parseCriteria(options);
  if (Object.keys(errors).length > 0) {
    for (const [field, key] of Object.entries(errors)) print(`--${field}: ${officeText(key)}`);
    return 2;
  }
  const shown = await preview(db.bulk, criteria);
  print(`Criteria: ${describeCriteria(criteria)}`);
  print("case\tcountry\tactions\tcounted");
  for (const r of shown.rows) print(`${r.caseSlug}\t${r.country}\t${r.actions}\t${r.quantity}`);
  print(`Total: ${shown.actions} actions, counting ${shown.quantity}.`);
  if (options.dryRun || !options.yes) {
    if (!options.dryRun) print("Nothing was changed: add --yes (and --reason) to take these actions out.");
    return 0;
  }
  const reason = (options.reason ?? "").trim();
  if (!reason) {
    print("--reason: say why these actions are taken out.");
    return 2;
  }
  if (shown.actions === 0) {
    print("Nothing to take out.");
    return 0;
  }
  const owner = `cli-${randomUUID()}`;
  const batcher = new Batcher({
    pool: db.pool,
    origin: owner,
    maxBatch: config.batchMax,
    timeoutMs: config.db.queryMs,
    privacy: db.privacy,
    // The nodes hear every batch through NOTIFY; this process keeps no counters.
    onCommitted: () => {},
  });
  let last = 0;
  const runner = new InvalidationRunner({
    pool: db.bulk,
    submit: (entry) => batcher.submit(entry),
    owner,
    batchSize: config.invalidationBatch,
    leaseMs: config.invalidationLeaseMs,
    pollMs: 1_000,
    log: (message, error) => print(`${message}${error instanceof Error ? `: ${error.message}` : ""}`),
    onProgress: (job: Job) => {
      if (Date.now() - last < 1_000 && !job.finishedAt) return;
      last = Date.now();
      print(`Invalidation ${job.id}: ${job.takenActions} of ${job.selectedActions ?? "?"} taken out`);
    },
  });
  const job = await withTransaction(db.pool, (client) =>
    createJob(client, actor, criteria, reason, shown, { owner, leaseMs: config.invalidationLeaseMs }),
  );
  print(`Invalidation ${job.id} started.`);
  try {
    const done = await runToEnd(runner, db.pool, job.id);
    print(
      `Invalidation ${done.id} ${done.state}: ${done.takenActions} actions taken out, counting ${done.takenQuantity}` +
        ` (previewed ${done.previewedActions}).`,
    );
    return done.state === "done" ? 0 : 1;
  } finally {
    await batcher.close();
  }
}
