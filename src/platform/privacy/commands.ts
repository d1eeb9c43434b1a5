import type { Command } from "commander";
import type { Config } from "../../config.js";
import type { Database } from "../db/database.js";
import { generateDataKey } from "./keys.js";
import { encryptClearText, type PassResult, resealAll, sealedUnderOlderKeys } from "./passes.js";

// `inkwell data-key`, `inkwell encrypt` and `inkwell rotate-key`: see README, "Personal data at rest".

type WithDatabase = <T>(config: Config, work: (db: Database) => Promise<T>) => Promise<T>;

const summary = (result: PassResult) =>
  Object.entries(result)
    .map(([table, rows]) => `${table} ${rows}`)
    .join(", ");

const batchSize = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new Error("--batch must be a whole number from 1 to 10000");
  return n;
};

export function privacyCommands(cli: Command, loadConfig: () => Config, withDatabase: WithDatabase): void {
  cli
    .command("data-key")
    .description("print a new random data key (for DATA_KEY)")
    .action(() => {
      console.log(generateDataKey());
    });
  cli
    .command("encrypt")
    .description(
      "seal the names and emails stored in clear text before encryption (nodes also do it as they start)",
    )
    .option("--batch <n>", "rows per transaction", batchSize, 500)
    .action(async (options: { batch: number }) =>
      withDatabase(loadConfig(), async (db) => {
        const result = await encryptClearText(db.bulk, db.privacy, { batchSize: options.batch });
        console.log(`Sealed rows: ${summary(result)}. No name or email is stored in clear text.`);
      }),
    );
  cli
    .command("rotate-key")
    .description(
      "seal everything again under DATA_KEY; values sealed under DATA_KEY_PREVIOUS are opened with it",
    )
    .option("--batch <n>", "rows per transaction", batchSize, 500)
    .option("--max-batches <n>", "stop after this many batches (run again to go on)", batchSize)
    .action(async (options: { batch: number; maxBatches?: number }) =>
      withDatabase(loadConfig(), async (db) => {
        const resealed = await resealAll(db.bulk, db.privacy, {
          batchSize: options.batch,
          maxBatches: options.maxBatches,
        });
        console.log(`Sealed again under key ${db.privacy.keyId}: ${summary(resealed)}.`);
        const left = await sealedUnderOlderKeys(db.bulk, db.privacy);
        const remaining = Object.values(left).reduce((a, b) => a + b, 0);
        if (remaining > 0) {
          console.log(`Still sealed under an older key: ${summary(left)}. Run rotate-key again.`);
          process.exitCode = 2;
          return;
        }
        console.log("Nothing is sealed under an older key: DATA_KEY_PREVIOUS can be removed.");
      }),
    );
}
