import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient, TEST_PASSWORD } from "../../../test/support/office.js";
import { checkPassword, hashPassword } from "./passwords.js";
import { addressKey, DEVICE_COOKIE } from "./throttle.js";

// Failed logins slow down per address and per email, never reaching the owner's known browser,
// and tell nothing about which emails have an account.

let node: TestApp;
before(async () => {
  // The outer per-address limit off: these tests are about the throttle behind it.
  node = await startTestApp({ LOGIN_RATE_LIMIT: "0" });
});
after(async () => node.close());

// Every test takes addresses of its own, so their counts do not meet.
let subnet = 0;
const addresses = () => {
  subnet += 1;
  let host = 0;
  return () => {
    host += 1;
    return `10.${subnet}.${Math.floor(host / 250)}.${(host % 250) + 1}`;
  };
};

interface Answer {
  status: number;
  retryAfter: string | undefined;
}

async function tryLogin(client: OfficeClient, email: string, password: string): Promise<Answer> {
  const r = await client.post("/office/login", { email, password });
  return { status: r.statusCode, retryAfter: r.headers["retry-after"] as string | undefined };
}

/** Ends the wait an address was given, as if the client had waited. */
async function waitOver(address: string) {
  await node.db.pool.query("UPDATE login_failures SET blocked_until = now() WHERE key = $1", [
    addressKey(address),
  ]);
}

/** The owner's usual browser: it logged in once (and out again), so it holds the device cookie. */
async function ownersBrowser(email: string, address: string): Promise<OfficeClient> {
  const browser = await officeClient(node, undefined, { address });
  assert.equal((await tryLogin(browser, email, TEST_PASSWORD)).status, 303);
  assert.ok(browser.cookies[DEVICE_COOKIE], "a login leaves the known-device cookie");
  assert.equal((await browser.post("/office/logout")).statusCode, 303);
  return browser;
}

test("a stranger's wrong passwords lock the email for strangers, never the owner's known browser", async () => {
  const next = addresses();
  const user = await makeUser(node, "organizer");
  const owner = await ownersBrowser(user.email, next());
  const answers: number[] = [];
  for (let i = 0; i < 8; i++) {
    const stranger = await officeClient(node, undefined, { address: next() });
    answers.push((await tryLogin(stranger, user.email, `guess number ${i}`)).status);
  }
  assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429]);
  const strangerWithPassword = await officeClient(node, undefined, { address: next() });
  const refused = await tryLogin(strangerWithPassword, user.email, TEST_PASSWORD);
  assert.deepEqual(
    refused,
    { status: 429, retryAfter: "900" },
    "a new browser is held back, password or not",
  );
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const list = (await admin.get("/office/users")).body;
  const row = list.split("<tr").find((r) => r.includes(user.email)) ?? "";
  assert.match(row, /locked for new browsers/, "admins see the lock");
  assert.equal((await tryLogin(owner, user.email, TEST_PASSWORD)).status, 303, "the owner logs in");
});

test("the owner's known browser has a limit of its own", async () => {
  const next = addresses();
  const user = await makeUser(node, "organizer");
  const owner = await ownersBrowser(user.email, next());
  const answers: number[] = [];
  for (let i = 0; i < 11; i++) answers.push((await tryLogin(owner, user.email, `typo ${i} here`)).status);
  assert.deepEqual(answers, [...Array(10).fill(401), 429]);
  const blocked = await tryLogin(owner, user.email, TEST_PASSWORD);
  assert.deepEqual(blocked, { status: 429, retryAfter: "900" });
  // The device cookie is good for the account it logged in to only.
  const other = await makeUser(node, "organizer");
  assert.equal((await tryLogin(owner, other.email, "not their password")).status, 401);
  const count = await node.db.pool.query("SELECT failures FROM login_devices WHERE user_id = $1", [other.id]);
  assert.equal(count.rowCount, 0, "a browser is no known device of an account it never logged in to");
});

test("an address that keeps failing waits longer and longer, then is locked; the owner's browser there is not", async () => {
  const next = addresses();
  const address = next();
  const user = await makeUser(node, "organizer");
  const owner = await ownersBrowser(user.email, address);
  const stranger = await officeClient(node, undefined, { address });
  // Other emails each time, so that no email's lock comes first.
  const guess = (i: number) => tryLogin(stranger, `nobody-${subnet}-${i}@example.org`, "a guess at it");
  const free = [await guess(1), await guess(2), await guess(3)].map((a) => a.status);
  assert.deepEqual(free, [401, 401, 401]);
  const waits: string[] = [];
  for (let i = 4; i <= 9; i++) {
    const early = await guess(i);
    assert.equal(early.status, 429, "too soon after the last failure");
    waits.push(early.retryAfter ?? "");
    await waitOver(address);
    assert.equal((await guess(i)).status, 401, "after the wait, a password is checked again");
  }
  assert.deepEqual(waits, ["1", "2", "4", "8", "16", "30"], "the delay doubles, up to 30 s");
  // Nine failures so far; the twentieth locks the address.
  for (let i = 10; i <= 20; i++) {
    await waitOver(address);
    assert.equal((await guess(i)).status, 401);
  }
  assert.deepEqual(await guess(21), { status: 429, retryAfter: "900" }, "20 failures lock the address");
  assert.equal(
    (await tryLogin(owner, user.email, TEST_PASSWORD)).status,
    303,
    "the owner's known browser at that address still logs in",
  );
  const colleague = await makeUser(node, "organizer");
  const newBrowser = await officeClient(node, undefined, { address });
  assert.equal((await tryLogin(newBrowser, colleague.email, TEST_PASSWORD)).status, 429);
});

test("attempts sent at once are counted one by one: none slips past a limit", async () => {
  const next = addresses();
  const address = next();
  const clients = await Promise.all(
    Array.from({ length: 10 }, () => officeClient(node, undefined, { address })),
  );
  const answers = await Promise.all(
    clients.map((c, i) => tryLogin(c, `parallel-${subnet}-${i}@example.org`, "a guess at it")),
  );
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  const user = await makeUser(node, "organizer");
  const many = await Promise.all(
    Array.from({ length: 10 }, () => officeClient(node, undefined, { address: next() })),
  );
  const onOneEmail = await Promise.all(many.map((c, i) => tryLogin(c, user.email, `guess ${i} here`)));
  assert.deepEqual(
    onOneEmail.map((a) => a.status).sort(),
    [401, 401, 401, 401, 401, 429, 429, 429, 429, 429],
  );
});

test("an email with an account and one without get the same answers, with the same waits", async () => {
  const next = addresses();
  const user = await makeUser(node, "organizer");
  const sequence = async (email: string, address: () => string) => {
    // The clients first, so the attempts follow each other well within the shortest wait (1 s).
    const clients: OfficeClient[] = [];
    for (let i = 0; i < 7; i++) clients.push(await officeClient(node, undefined, { address: address() }));
    const seen: Answer[] = [];
    for (const client of clients) seen.push(await tryLogin(client, email, "wrong one"));
    return seen;
  };
  // From a new address each time: the email's lock.
  const known = await sequence(user.email, next);
  const unknown = await sequence(`nobody-at-all-${subnet}@example.org`, next);
  assert.deepEqual(unknown, known);
  assert.deepEqual(
    known.map((a) => a.status),
    [401, 401, 401, 401, 401, 429, 429],
  );
  // From one address each: the address's delay.
  const other = await makeUser(node, "organizer");
  const one = next();
  const two = next();
  const knownHere = await sequence(other.email, () => one);
  const unknownHere = await sequence(`nobody-else-${subnet}@example.org`, () => two);
  assert.deepEqual(unknownHere, knownHere);
  assert.deepEqual(
    knownHere.map((a) => a.status),
    [401, 401, 401, 429, 429, 429, 429],
  );
});

test("a wrong password costs the same time for an email with an account and one without", async () => {
  const next = addresses();
  const users = [];
  for (let i = 0; i < 5; i++) users.push(await makeUser(node, "organizer"));
  const stored = await hashPassword("some password of someone");
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const timed = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  const argon: number[] = [];
  // Four attempts per email (the fifth would lock it), interleaved so load hits all alike.
  for (let round = 0; round < 4; round++) {
    for (const [i, user] of users.entries()) {
      const a = await officeClient(node, undefined, { address: next() });
      const b = await officeClient(node, undefined, { address: next() });
      const withAccount = () => timed(() => tryLogin(a, user.email, "not the password"));
      const without = () =>
        timed(() => tryLogin(b, `no-account-${subnet}-${i}@example.org`, "not the password"));
      // Each goes first in turn, so neither always runs just after the other's garbage.
      if ((round + i) % 2 === 0) {
        known.push(await withAccount());
        unknown.push(await without());
      } else {
        unknown.push(await without());
        known.push(await withAccount());
      }
      argon.push(await timed(() => checkPassword(stored, "not the password")));
    }
  }
  // Paired: each pair ran back to back, so a burst of load elsewhere hits both of it alike.
  const difference = Math.abs(median(known.map((k, i) => k - (unknown[i] as number))));
  console.log(
    `login ms, median of ${known.length}: known ${median(known).toFixed(1)}, unknown ${median(unknown).toFixed(1)}, paired difference ${difference.toFixed(1)}, argon2 alone ${median(argon).toFixed(1)}`,
  );
  // Skipping the password check for unknown emails would make the difference one whole argon2.
  assert.ok(
    difference < median(argon) / 2,
    `known ${median(known)} ms, unknown ${median(unknown)} ms, paired difference ${difference} ms, argon2 ${median(argon)} ms`,
  );
});
