import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { test } from "node:test";
import { action, REPORTER_TOKEN, startTestApp, type TestApp } from "../../../test/support/app.js";
import { roomInWindow } from "../../../test/support/limits.js";
import { apiPost, formPost, letter, signature, solidarity, statuses, storedFrom } from "./fixtures.js";

// The budgets of a client address, on whole nodes: counted in actions, one budget for every route
// and language, shared by the nodes of one database, exempt only by RATE_LIMIT_ALLOW, and never
// moved by a forged X-Forwarded-For. The sustained (hourly) budget is the small one here, so a
// test cannot straddle two windows unless it starts at the hour's very end (roomInWindow).

const HOURLY = (n: number, extra: Record<string, string> = {}) => ({
  ACTION_RATE_LIMIT: "1000",
  ACTION_RATE_LIMIT_CASE: "1000",
  ACTION_RATE_LIMIT_HOUR: String(n),
  ACTION_RATE_LIMIT_CASE_HOUR: "1000",
  CHALLENGE_WORK: "0",
  ...extra,
});

async function withNode(env: Record<string, string>, fn: (node: TestApp) => Promise<void>, url?: string) {
  const node = await startTestApp(env, url);
  try {
    await roomInWindow(3600, 120);
    await fn(node);
  } finally {
    await node.close();
  }
}

test("two nodes on one database share an address's budget, also when it posts to both at once", async () => {
  const a = await startTestApp(HOURLY(6));
  const b = await startTestApp(HOURLY(6), a.config.databaseUrl);
  try {
    await roomInWindow(3600, 120);
    assert.deepEqual(await statuses(3, () => apiPost(a, "203.0.113.10")), [201, 201, 201]);
    assert.deepEqual(await statuses(4, () => apiPost(b, "203.0.113.10")), [201, 201, 201, 429]);
    const refused = await apiPost(a, "203.0.113.10");
    assert.equal(refused.statusCode, 429, "node a counted what node b let through");
    assert.match(String(refused.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(refused.json().code, "rate_limited");
    const retryAfter = Number(refused.headers["retry-after"]);
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${refused.headers["retry-after"]}`);

    // 20 at once, spread over both nodes: exactly the budget gets through.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apiPost(i % 2 === 0 ? a : b, "203.0.113.11")),
    );
    const accepted = burst.filter((r) => r.statusCode === 201).length;
    assert.equal(accepted, 6, JSON.stringify(burst.map((r) => r.statusCode)));
    assert.equal(burst.filter((r) => r.statusCode === 429).length, 14);
    assert.equal(await storedFrom(a, "203.0.113.11"), 6);
  } finally {
    await b.close();
    await a.close();
  }
});

test("a batch of letters spends its quantity", async () => {
  await withNode(HOURLY(30), async (node) => {
    const path = "/en/cases/gao-zhisheng/letter";
    assert.equal((await formPost(node, "203.0.113.20", path, letter(20))).statusCode, 303);
    const over = await formPost(node, "203.0.113.20", path, letter(20));
    assert.equal(over.statusCode, 429, "20 + 20 letters are over 30");
    assert.ok(Number(over.headers["retry-after"]) > 0);
    assert.equal((await formPost(node, "203.0.113.20", path, letter(10))).statusCode, 303, "20 + 10 fit");
    assert.equal((await formPost(node, "203.0.113.20", path, letter(1))).statusCode, 429);
    assert.equal(await storedFrom(node, "203.0.113.20"), 30);
  });
});

test("a quantity sent with the sign or solidarity form counts one, not what it says", async () => {
  await withNode(HOURLY(100), async (node) => {
    const sign = await formPost(node, "203.0.113.21", "/en/cases/gao-zhisheng/sign", {
      ...signature("ada@example.org"),
      quantity: "1000",
    });
    assert.equal(sign.statusCode, 303);
    const message = await formPost(node, "203.0.113.21", "/en/cases/gao-zhisheng/solidarity", {
      ...solidarity(),
      quantity: "50",
    });
    assert.equal(message.statusCode, 303);
    assert.equal(await storedFrom(node, "203.0.113.21"), 2);
  });
});

test("one budget across the API, every form and every language prefix", async () => {
  await withNode(HOURLY(5), async (node) => {
    const from = "203.0.113.30";
    const sent = [
      await apiPost(node, from),
      await formPost(node, from, "/cases/gao-zhisheng/sign", signature("one@example.org")),
      await formPost(node, from, "/es/cases/gao-zhisheng/solidarity", solidarity()),
      await formPost(node, from, "/fr/cases/coastei-street/letter", letter()),
      await formPost(node, from, "/ar/cases/ales-bialiatski/sign", signature("two@example.org")),
    ];
    assert.deepEqual(
      sent.map((r) => r.statusCode),
      [201, 303, 303, 303, 303],
    );
    assert.equal((await formPost(node, from, "/pl/cases/gao-zhisheng/letter", letter())).statusCode, 429);
    assert.equal((await formPost(node, from, "/zh-Hans/cases/rosa-franco/letter", letter())).statusCode, 429);
    assert.equal((await apiPost(node, from, action({ case: "rosa-franco" }))).statusCode, 429);
    // Another address has its own budget; a verified reporter spends none.
    assert.equal((await apiPost(node, "203.0.113.31")).statusCode, 201);
    const reporter = { authorization: `Bearer ${REPORTER_TOKEN}` };
    assert.equal((await apiPost(node, from, action({ quantity: 40 }), reporter)).statusCode, 201);
  });
});

test("per case: a case's budget is spent, the address can still act on other cases", async () => {
  await withNode({ ...HOURLY(100), ACTION_RATE_LIMIT_CASE_HOUR: "2" }, async (node) => {
    const from = "203.0.113.40";
    assert.deepEqual(await statuses(3, () => apiPost(node, from)), [201, 201, 429]);
    assert.equal((await apiPost(node, from, action({ case: "coastei-street" }))).statusCode, 201);
    const form = await formPost(node, from, "/en/cases/gao-zhisheng/letter", letter());
    assert.equal(form.statusCode, 429, "the form spends the same per-case budget");
  });
});

const randomAddress = () => `${randomInt(1, 224)}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

test("without TRUST_PROXY a forged X-Forwarded-For changes nothing: not the budget, not the address kept", async () => {
  await withNode(HOURLY(3), async (node) => {
    const forged = () => apiPost(node, "203.0.113.50", action(), { "x-forwarded-for": randomAddress() });
    assert.deepEqual(await statuses(6, forged), [201, 201, 201, 429, 429, 429]);
    const rows = await node.db.pool.query<{ address: string }>(
      "SELECT DISTINCT host(address) AS address FROM action_origins",
    );
    assert.deepEqual(
      rows.rows.map((r) => r.address),
      ["203.0.113.50"],
    );
  });
});

test("with TRUST_PROXY the proxy's header names the client: its own budget, its address kept", async () => {
  await withNode(HOURLY(2, { TRUST_PROXY: "127.0.0.1" }), async (node) => {
    // The proxy appends the address it saw; what the client wrote left of it is not believed.
    const via = (client: string) =>
      apiPost(node, "127.0.0.1", action(), { "x-forwarded-for": `${randomAddress()}, ${client}` });
    assert.deepEqual(await statuses(3, () => via("198.51.100.7")), [201, 201, 429]);
    assert.deepEqual(await statuses(3, () => via("198.51.100.8")), [201, 201, 429]);
    assert.equal(await storedFrom(node, "198.51.100.7"), 2);
    assert.equal(await storedFrom(node, "198.51.100.8"), 2);
    assert.equal(await storedFrom(node, "127.0.0.1"), 0, "the proxy is nobody's address");
  });
});

test("RATE_LIMIT_ALLOW exempts the addresses and networks it lists, and nobody else", async () => {
  await withNode(
    HOURLY(2, { RATE_LIMIT_ALLOW: "198.51.100.0/24, 2001:db8:aa::/48, 192.0.2.9" }),
    async (node) => {
      assert.deepEqual(await statuses(5, () => apiPost(node, "198.51.100.77")), [201, 201, 201, 201, 201]);
      assert.deepEqual(await statuses(4, () => apiPost(node, "2001:db8:aa:1::5")), [201, 201, 201, 201]);
      assert.deepEqual(await statuses(4, () => apiPost(node, "::ffff:192.0.2.9")), [201, 201, 201, 201]);
      assert.deepEqual(await statuses(3, () => apiPost(node, "198.51.101.1")), [201, 201, 429], "next door");
      assert.deepEqual(await statuses(3, () => apiPost(node, "127.0.0.1")), [201, 201, 429], "loopback too");
      // An IPv6 client is one /64: a fresh address inside it is the same client.
      assert.deepEqual(
        [
          await apiPost(node, "2001:db8:bb:1::1"),
          await apiPost(node, "2001:db8:bb:1::2"),
          await apiPost(node, "2001:db8:bb:1::3"),
        ].map((r) => r.statusCode),
        [201, 201, 429],
      );
      // Exempt actions are still recorded with their address (the activity page shows them).
      assert.equal(await storedFrom(node, "198.51.100.77"), 5);
    },
  );
});
