import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type pg from "pg";
import { CONTENT_CHANNEL } from "../../core/catalog/catalog.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { isEmail } from "../../platform/rules.js";
import { CLI_ACTOR } from "../office/index.js";
import { findHoldings, isEmpty } from "./holdings.js";
import { formatRetention, retentionPlan, runRetention } from "./retention.js";
import { countsOf, erasePerson, holdingsJson } from "./service.js";

// `inkwell supporter show|erase` and `inkwell retention`: the same look-up, erasure and retention
// as the office and the hourly job, from the command line (a server may be running meanwhile).

export interface CliDatabase {
  pool: pg.Pool;
  bulk: pg.Pool;
  privacy: Privacy;
}
type WithDatabase = <T>(work: (db: CliDatabase) => Promise<T>) => Promise<T>;

const email = (value: string): string => {
  if (!isEmail(value.trim())) throw new InvalidArgumentError("must be an email address");
  return value.trim();
};
const instant = (value: string): Date => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError("must be a date, e.g. 2027-01-31T00:00:00Z");
  return date;
};

export function privacyCommands(cli: Command, withDatabase: WithDatabase, months: () => number): void {
  const supporter = cli.command("supporter").description("what is held about a supporter, by email");
  supporter
    .command("show")
    .description("print everything held about a supporter as JSON")
    .requiredOption("--email <email>", "the supporter's email", email)
    .action(async (options: { email: string }) =>
      withDatabase(async (db) => {
        process.stdout.write(holdingsJson(await findHoldings(db.pool, db.privacy, options.email)));
      }),
    );
  supporter
    .command("erase")
    .description("erase a supporter's personal data everywhere (their actions keep counting)")
    .requiredOption("--email <email>", "the supporter's email", email)
    .option("--yes", "erase without asking (required)")
    .action(async (options: { email: string; yes?: boolean }) =>
      withDatabase(async (db) => {
        const held = await findHoldings(db.pool, db.privacy, options.email);
        if (isEmpty(held)) {
          console.log("Nothing is held about this address.");
          return;
        }
        if (!options.yes) {
          console.error(`Would erase ${JSON.stringify(countsOf(held))}. Add --yes to erase.`);
          process.exitCode = 1;
          return;
        }
        // Running nodes move their public pages (walls, places left) when these change.
        const erased = await erasePerson(db.pool, db.privacy, options.email, CLI_ACTOR, "cli", async () => {
          await db.pool.query(`NOTIFY ${CONTENT_CHANNEL}`);
        });
        const { publicChanged: _, ...counts } = erased;
        console.log(`Erased ${JSON.stringify(counts)}.`);
      }),
    );
  cli
    .command("retention")
    .description("erase the names and emails whose retention period is over (RETENTION_MONTHS)")
    .option("--dry-run", "print what would be erased, per kind and edition, and change nothing")
    .option("--at <instant>", "as if it were this moment (ISO 8601), e.g. to preview a date", instant)
    .action(async (options: { dryRun?: boolean; at?: Date }) =>
      withDatabase(async (db) => {
        const rule = { months: months(), now: options.at ?? new Date() };
        if (options.dryRun) {
          process.stdout.write(formatRetention(await retentionPlan(db.bulk, rule), rule, true));
          return;
        }
        const run = await runRetention(db.bulk, rule);
        if (!run.ran) {
          console.error("Retention is running on another node now; nothing was done.");
          process.exitCode = 1;
          return;
        }
        await db.pool.query(`NOTIFY ${CONTENT_CHANNEL}`);
        process.stdout.write(formatRetention(run.counts, rule, false));
      }),
    );
}
