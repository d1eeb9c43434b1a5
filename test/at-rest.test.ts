import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { freePort, killGroup, runCli, startServer } from "./support/process.js";

// A copy of the database files without the data key reveals no supporter's name or email: a
// server on an embedded database of its own (whose key it generates into DATA_DIR, outside the
// database files) takes signatures, RSVPs, solidarity messages and API actions with distinctive
// names and emails; after a CHECKPOINT every file under the PostgreSQL data directory — tables,
// indexes, the write-ahead log — is searched for their bytes. The message text, stored in clear
// on purpose (it is public once approved), must be found: the search does see what is stored.

const dataDir = mkdtempSync(path.join(os.tmpdir(), "inkwell-at-rest-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false; // a file PostgreSQL removed meanwhile
      }
    });
}

/** Which of the needles occur in any file, and where. */
function search(dir: string, needles: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const bytes = needles.map((n) => [n, Buffer.from(n, "utf8")] as const);
  for (const file of filesUnder(dir)) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      continue;
    }
    for (const [needle, b] of bytes) {
      if (content.includes(b)) found.set(needle, [...(found.get(needle) ?? []), path.relative(dir, file)]);
    }
  }
  return found;
}

test("the database files hold no supporter's name or email; without the key nothing opens", {
  timeout: 180_000,
}, async () => {
  // DATA_KEY empty: the embedded database makes its own, as the demo does.
  const env = {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    ACTION_RATE_LIMIT: "0",
    DATA_KEY: "",
  };
  const server = await startServer(env);
  const tag = randomBytes(4).toString("hex");
  const people = [
    { name: `Zephyrine Quillfeather ${tag}`, email: `zephyrine.${tag}@example.org` },
    { name: `Bartholomew Oakenshaw ${tag}`, email: `oakenshaw.${tag}@example.net` },
    { name: `Ximena Ballesteros ${tag}`, email: `ximena${tag}@example.com` },
    { name: `Łucja Wiśniewska ${tag}`, email: `lucja.${tag}@example.pl` },
  ];
  const author = `Philomena Thistlewood ${tag}`;
  const message = `Solidarity from the at-rest test ${tag}`;
  const form = (url: string, fields: Record<string, string>) =>
    fetch(`${server.url}${url}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
  try {
    const keyFile = path.join(dataDir, "data-key");
    assert.equal(statSync(keyFile).mode & 0o077, 0, "the generated key is readable by its owner only");
    const credentials = JSON.parse(readFileSync(path.join(dataDir, "credentials.json"), "utf8"));
    const client = new pg.Client({
      host: "127.0.0.1",
      port: Number(env.EMBEDDED_PG_PORT),
      user: credentials.user,
      password: credentials.password,
      database: "inkwell",
    });
    await client.connect();
    try {
      const event = await client.query<{ id: string }>(
        "SELECT id FROM events WHERE public AND cancelled_at IS NULL AND ends_at > now() ORDER BY starts_at LIMIT 1",
      );
      const eventId = event.rows[0]?.id;
      assert.ok(eventId, "the demo has an upcoming event");
      const [signer, guest, supporter, both] = people as [
        (typeof people)[0],
        (typeof people)[0],
        (typeof people)[0],
        (typeof people)[0],
      ];
      const sign = { country: "FR", consent: "yes" };
      assert.equal((await form("/en/cases/gao-zhisheng/sign", { ...sign, ...signer })).status, 303);
      assert.equal((await form("/en/cases/coastei-street/sign", { ...sign, ...both })).status, 303);
      assert.equal((await form(`/en/events/${eventId}`, { ...guest, consent: "yes" })).status, 303);
      assert.equal((await form(`/en/events/${eventId}`, { ...both, consent: "yes" })).status, 303);
      assert.equal(
        (await form("/en/cases/gao-zhisheng/solidarity", { name: author, country: "PL", message })).status,
        303,
      );
      const api = await fetch(`${server.url}/api/v1/actions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          campaign: "w4r-2012",
          case: "gao-zhisheng",
          type: "petition",
          country: "DE",
          supporter,
        }),
      });
      assert.equal(api.status, 201);
      const stored = await client.query<{ supporters: number; rsvps: number; consents: number }>(
        `SELECT (SELECT count(*) FROM supporters WHERE email_sealed IS NOT NULL)::int AS supporters,
                (SELECT count(*) FROM event_rsvps WHERE event_id = $1)::int AS rsvps,
                (SELECT count(*) FROM consents)::int AS consents`,
        [eventId],
      );
      assert.deepEqual(stored.rows[0], { supporters: 3, rsvps: 2, consents: 4 }, "everything was stored");
      // Written from memory to the table files; the WAL already holds every change.
      await client.query("CHECKPOINT");
    } finally {
      await client.end();
    }

    const needles = [...people.flatMap((p) => [p.name, p.email]), author];
    const found = search(path.join(dataDir, "pg"), [...needles, message]);
    assert.ok(found.has(message), "the search finds what is stored in clear (the message text)");
    const leaked = needles.filter((n) => found.has(n)).map((n) => `${n} in ${found.get(n)?.join(", ")}`);
    assert.deepEqual(leaked, [], "no name or email in the database files");

    // Another key does not open this database: a command with it refuses to run.
    const wrong = await runCli(["migrate"], { ...env, DATA_KEY: randomBytes(32).toString("base64") });
    assert.equal(wrong.code, 1, wrong.stdout + wrong.stderr);
    assert.match(wrong.stderr, /sealed under data key [0-9a-f]{8}.*DATA_KEY_PREVIOUS/s);
    // A database of one's own (DATABASE_URL) without DATA_KEY: refused, saying what to do.
    const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/inkwell`;
    const keyless = await runCli(["migrate"], { DATABASE_URL: url, DATA_KEY: "" });
    assert.equal(keyless.code, 1);
    assert.match(keyless.stderr, /DATA_KEY is not set.*inkwell data-key/s);
  } finally {
    killGroup(server.child, "SIGTERM");
    await server.exited;
  }
});
