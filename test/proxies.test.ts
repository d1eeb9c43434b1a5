import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { test } from "node:test";
import { action, REPORTER_TOKEN, startTestApp, type TestApp } from "./support/app.js";
import { roomInWindow } from "./support/limits.js";

// The rate limits behind proxies, on whole nodes: who is exempt (RATE_LIMIT_ALLOW only), whose
// budget a request spends, and how wrong reporter tokens are counted. In-process, with
// app.inject's remoteAddress as the socket's peer. The action limits count per minute here:
// each test starts where the minute leaves it room (support/limits.ts).

function post(node: TestApp, remoteAddress: string, headers: Record<string, string> = {}, body = action()) {
  return node.app.inject({
    method: "POST",
    url: "/api/v1/actions",
    remoteAddress,
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify(body),
  });
}

async function statuses(
  count: number,
  send: () => Promise<{ statusCode: number }>,
): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const { statusCode } = await send();
    seen.set(statusCode, (seen.get(statusCode) ?? 0) + 1);
  }
  return seen;
}

/** Catches the node's warnings (its logger writes nothing below warn in tests). */
function warnings(node: TestApp): string[] {
  const lines: string[] = [];
  const log = node.app.log as unknown as { warn: (message: unknown) => void };
  log.warn = (message) => lines.push(String(message));
  return lines;
}

const randomAddress = () => `${randomInt(1, 224)}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

test("X-Forwarded-For: 127.0.0.1 never earns the allow list's exemption of this machine", async () => {
  for (const TRUST_PROXY of ["true", "1", "127.0.0.1", "2"]) {
    const node = await startTestApp({ ACTION_RATE_LIMIT: "3", TRUST_PROXY, RATE_LIMIT_ALLOW: "127.0.0.1" });
    try {
      await roomInWindow(60, 15);
      const claimed = await statuses(10, () => post(node, "127.0.0.1", { "x-forwarded-for": "127.0.0.1" }));
      assert.equal(claimed.get(201), 3, `TRUST_PROXY=${TRUST_PROXY}: ${JSON.stringify([...claimed])}`);
      assert.equal(claimed.get(429), 7);
      // The simulator on this machine posts without forwarding headers: exempt, as listed.
      const local = await statuses(10, () => post(node, "127.0.0.1"));
      assert.equal(local.get(201), 10, `TRUST_PROXY=${TRUST_PROXY}: the simulator is exempt`);
    } finally {
      await node.close();
    }
  }
});

test("behind an undeclared proxy on this machine nobody is exempt, and the operator is told once", async () => {
  const node = await startTestApp({ ACTION_RATE_LIMIT: "3", RATE_LIMIT_ALLOW: "127.0.0.1, ::1" });
  const said = warnings(node);
  try {
    await roomInWindow(60, 15);
    const proxied = await statuses(10, () => post(node, "127.0.0.1", { "x-forwarded-for": randomAddress() }));
    assert.equal(proxied.get(201), 3, JSON.stringify([...proxied]));
    assert.equal(proxied.get(429), 7);
    const forwarded = await post(node, "::1", { forwarded: "for=198.51.100.1" });
    assert.equal(forwarded.statusCode, 201, "::1 has a bucket of its own");
    const undeclared = said.filter((line) => line.includes("TRUST_PROXY"));
    assert.equal(undeclared.length, 1, `one warning, not one per request: ${JSON.stringify(said)}`);
    assert.match(
      undeclared[0] ?? "",
      /Set TRUST_PROXY to the proxy's address \(e\.g\. TRUST_PROXY=127\.0\.0\.1\)/,
    );
    assert.equal((await statuses(10, () => post(node, "127.0.0.1"))).get(201), 10, "no header: exempt");
  } finally {
    await node.close();
  }
});

test("random X-Forwarded-For values do not make fresh buckets: 200 letters, the limit per real client holds", async () => {
  const node = await startTestApp({ ACTION_RATE_LIMIT: "5", TRUST_PROXY: "1" });
  try {
    await roomInWindow(60, 40);
    let n = 0;
    // nginx on this machine appends the address it saw to whatever the client sent.
    const letter = (client: string) =>
      node.app.inject({
        method: "POST",
        url: "/en/cases/gao-zhisheng/letter",
        remoteAddress: "127.0.0.1",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": `${randomAddress()}, ${randomAddress()}, ${client}`,
        },
        payload: new URLSearchParams({
          key: `letter-key-${n++}-xxxxxxxx`,
          quantity: "1",
          country: "DE",
        }).toString(),
      });
    const one = await statuses(200, () => letter("198.51.100.7"));
    assert.deepEqual([...one].sort(), [
      [303, 5],
      [429, 195],
    ]);
    const other = await statuses(10, () => letter("198.51.100.8"));
    assert.equal(other.get(303), 5, "another client behind the same proxy has a bucket of its own");
  } finally {
    await node.close();
  }
});

test("only a valid reporter token is exempt from the action limit", async () => {
  const node = await startTestApp({ ACTION_RATE_LIMIT: "2", REPORTER_TOKEN_FAILURE_LIMIT: "0" });
  try {
    await roomInWindow(60, 20);
    const reporter = { authorization: `Bearer ${REPORTER_TOKEN}` };
    assert.equal((await statuses(5, () => post(node, "203.0.113.50", reporter))).get(201), 5);
    // A wrong token is refused before the limiter runs, and is not a way around it either.
    const wrong = await statuses(5, () =>
      post(node, "203.0.113.51", { authorization: "Bearer wrong-token-00000000" }),
    );
    assert.equal(wrong.get(401), 5);
    const anonymous = await statuses(3, () => post(node, "203.0.113.51"));
    assert.equal(anonymous.get(201), 2, "the anonymous limit is untouched by the wrong tokens");
    // The case page's forms do not read tokens, so a token there exempts nothing.
    let n = 0;
    const letters = await statuses(4, () =>
      node.app.inject({
        method: "POST",
        url: "/en/cases/gao-zhisheng/letter",
        remoteAddress: "203.0.113.52",
        headers: { "content-type": "application/x-www-form-urlencoded", ...reporter },
        payload: new URLSearchParams({
          key: `form-key-${n++}-xxxxxxxxxx`,
          quantity: "1",
          country: "DE",
        }).toString(),
      }),
    );
    assert.equal(letters.get(303), 2, JSON.stringify([...letters]));
  } finally {
    await node.close();
  }
});

test("wrong bearer tokens are counted per address: the 11th attempt answers 429, for a while even with the right token", async () => {
  const node = await startTestApp({ TRUST_PROXY: "1" });
  try {
    const guesser = (authorization: string, body: unknown = action()) =>
      node.app.inject({
        method: "POST",
        url: "/api/v1/actions",
        remoteAddress: "127.0.0.1",
        // Behind the proxy, random leftmost values do not make a fresh counter either.
        headers: {
          "content-type": "application/json",
          authorization,
          "x-forwarded-for": `${randomAddress()}, 198.51.100.66`,
        },
        payload: JSON.stringify(body),
      });
    for (let i = 0; i < 5; i++) {
      const wrong = await guesser(`Bearer guess-${i}-0000000000000`);
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().code, "invalid_token");
    }
    // The token is checked before the body: a guess with a bad body is counted too.
    for (let i = 0; i < 4; i++)
      assert.equal((await guesser(`Bearer guess-b${i}-000000000000`, {})).statusCode, 401);
    assert.equal((await guesser("Basic abc")).statusCode, 401, "a malformed header is an attempt");
    const locked = await guesser("Bearer guess-11-00000000000");
    assert.equal(locked.statusCode, 429);
    assert.match(String(locked.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(locked.json().code, "too_many_token_failures");
    const retryAfter = Number(locked.headers["retry-after"]);
    assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${locked.headers["retry-after"]}`);
    const right = await guesser(`Bearer ${REPORTER_TOKEN}`, action({ quantity: 7 }));
    assert.equal(right.statusCode, 429, "after the lock the right token waits too, or guessing would go on");
    // Without a token the address may still act, and other addresses keep their tokens.
    const anonymous = await node.app.inject({
      method: "POST",
      url: "/api/v1/actions",
      remoteAddress: "127.0.0.1",
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.66" },
      payload: JSON.stringify(action()),
    });
    assert.equal(anonymous.statusCode, 201);
    const elsewhere = await node.app.inject({
      method: "POST",
      url: "/api/v1/actions",
      remoteAddress: "127.0.0.1",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${REPORTER_TOKEN}`,
        "x-forwarded-for": "198.51.100.67",
      },
      payload: JSON.stringify(action({ quantity: 7 })),
    });
    assert.equal(elsewhere.statusCode, 201, "a right token from another address still works");
  } finally {
    await node.close();
  }
});

test("REPORTER_TOKEN_FAILURE_LIMIT=0 turns the count off", async () => {
  const node = await startTestApp({ REPORTER_TOKEN_FAILURE_LIMIT: "0" });
  try {
    const wrong = await statuses(15, () =>
      post(node, "203.0.113.60", { authorization: "Bearer wrong-token-00000000" }),
    );
    assert.equal(wrong.get(401), 15);
    const right = await post(
      node,
      "203.0.113.60",
      { authorization: `Bearer ${REPORTER_TOKEN}` },
      action({ quantity: 3 }),
    );
    assert.equal(right.statusCode, 201);
  } finally {
    await node.close();
  }
});
