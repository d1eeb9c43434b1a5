import assert from "node:assert/strict";
import { test } from "node:test";
import { type Challenge, solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { startTestApp } from "../../../test/support/app.js";
import { roomInWindow } from "../../../test/support/limits.js";
import { encodePayload } from "./challenge.js";
import { apiPost, formPost, letter, storedFrom } from "./fixtures.js";

// Over its budget, a form asks for a proof of work instead of refusing; a solved challenge lets
// that one post through, on any node, once.

const ENV = {
  ACTION_RATE_LIMIT: "1000",
  ACTION_RATE_LIMIT_CASE: "1000",
  ACTION_RATE_LIMIT_HOUR: "1",
  ACTION_RATE_LIMIT_CASE_HOUR: "1000",
  // A small puzzle: the test proves the exchange, not the browser's patience.
  CHALLENGE_WORK: "300",
};

/** The challenge a refused form's page carries (data-challenge), as the page's script reads it. */
function challengeOf(page: string): Challenge {
  const match = /data-challenge="([^"]+)"/.exec(page);
  assert.ok(match?.[1], "the page carries a challenge");
  return JSON.parse(match[1].replaceAll("&quot;", '"').replaceAll("&amp;", "&")) as Challenge;
}

async function solved(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution, "solvable");
  return encodePayload(challenge, solution);
}

test("over the limit a form asks for a proof of work, accepts it once, on any node", async () => {
  const a = await startTestApp(ENV);
  const b = await startTestApp(ENV, a.config.databaseUrl);
  try {
    await roomInWindow(3600, 120);
    const from = "203.0.113.60";
    const path = "/en/cases/gao-zhisheng/letter";
    assert.equal((await formPost(a, from, path, letter())).statusCode, 303);

    const asked = await formPost(a, from, path, letter(3));
    assert.equal(asked.statusCode, 429);
    assert.ok(Number(asked.headers["retry-after"]) > 0);
    assert.match(
      asked.body,
      /Please wait \d+ minutes? and send this form again/,
      "the wait, for pages without scripts",
    );
    assert.match(asked.body, /<script src="\/assets\/challenge.js" defer>/);
    assert.match(asked.body, /data-worker="\/assets\/vendor\/altcha-sha-worker.js"/);
    assert.match(asked.body, /data-auto="yes"/);
    assert.match(asked.body, /name="quantity"[^>]*value="3"/, "what was typed is kept");
    const challenge = challengeOf(asked.body);
    assert.ok((challenge.parameters.expiresAt ?? 0) * 1000 > Date.now());

    // A wrong solution is no solution.
    const wrong = encodePayload(challenge, { counter: 1, derivedKey: "00".repeat(32) });
    const refused = await formPost(a, from, path, { ...letter(3), altcha: wrong });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /data-auto="no"/, "after a refused solution the script waits for a click");

    // Solved, on the other node: counted, with its quantity.
    const payload = await solved(challenge);
    const accepted = await formPost(b, from, path, { ...letter(3), altcha: payload });
    assert.equal(accepted.statusCode, 303, accepted.body.slice(0, 300));
    assert.equal(await storedFrom(a, from), 4);

    // The same solution again, on either node: refused, and nothing more is counted.
    for (const node of [a, b]) {
      const replay = await formPost(node, from, path, { ...letter(), altcha: payload });
      assert.equal(replay.statusCode, 429);
      assert.match(replay.body, /This check could not be used: it was used before or has expired\./);
    }
    assert.equal(await storedFrom(a, from), 4);

    // The API has no puzzle to solve: it answers 429 with Retry-After.
    const api = await apiPost(a, from);
    assert.equal(api.statusCode, 429);
    assert.ok(Number(api.headers["retry-after"]) > 0);
  } finally {
    await b.close();
    await a.close();
  }
});

test("the solver ALTCHA ships is served from this origin", async () => {
  const node = await startTestApp(ENV);
  try {
    const worker = await node.app.inject({ method: "GET", url: "/assets/vendor/altcha-sha-worker.js" });
    assert.equal(worker.statusCode, 200);
    assert.match(String(worker.headers["content-type"]), /^text\/javascript/);
    assert.match(worker.body, /crypto\.subtle\.digest/);
    const script = await node.app.inject({ method: "GET", url: "/assets/challenge.js" });
    assert.equal(script.statusCode, 200);
  } finally {
    await node.close();
  }
});

test("with CHALLENGE_WORK=0 a form over the limit only says how long to wait", async () => {
  const node = await startTestApp({ ...ENV, CHALLENGE_WORK: "0" });
  try {
    await roomInWindow(3600, 120);
    const path = "/es/cases/gao-zhisheng/letter";
    assert.equal((await formPost(node, "203.0.113.61", path, letter())).statusCode, 303);
    const wait = await formPost(node, "203.0.113.61", path, letter());
    assert.equal(wait.statusCode, 429);
    assert.match(wait.body, /Espera \d+ minutos? y vuelve a enviar este formulario/);
    assert.ok(!wait.body.includes("data-challenge"));
    assert.ok(!wait.body.includes("/assets/challenge.js"));
  } finally {
    await node.close();
  }
});
