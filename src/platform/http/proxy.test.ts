import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { loadConfig } from "../../config.js";
import { isForwarded, proxyTrust, trustProxyWarning } from "./proxy.js";

// How request.ip, request.protocol and isForwarded come out for each TRUST_PROXY form,
// on a bare Fastify built the way src/server/app.ts builds the node's.

async function echo(trustProxyValue: string): Promise<FastifyInstance> {
  const proxies = proxyTrust(loadConfig({ TRUST_PROXY: trustProxyValue }).trustProxy);
  const app = Fastify({ trustProxy: proxies.trustProxy });
  app.get("/", async (request) => ({
    ip: request.ip,
    protocol: request.protocol,
    forwarded: isForwarded(request),
  }));
  await app.ready();
  return app;
}

async function seen(app: FastifyInstance, remoteAddress: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: "GET", url: "/", remoteAddress, headers });
  assert.equal(response.statusCode, 200);
  return response.json<{ ip: string; protocol: string; forwarded: boolean }>();
}

test("one hop: the address the proxy appended wins, not a forged leftmost one", async () => {
  const app = await echo("1");
  // The client sent "X-Forwarded-For: 127.0.0.1"; nginx appended the address it saw.
  assert.equal((await seen(app, "127.0.0.1", { "x-forwarded-for": "127.0.0.1, 5.6.7.8" })).ip, "5.6.7.8");
  assert.equal((await seen(app, "127.0.0.1", { "x-forwarded-for": "1.2.3.4, 5.6.7.8" })).ip, "5.6.7.8");
  assert.equal((await seen(app, "127.0.0.1", { "x-forwarded-for": "5.6.7.8" })).ip, "5.6.7.8");
  // Two headers are one list (RFC 9110); the last one is the proxy's.
  const twice = await app.inject({
    method: "GET",
    url: "/",
    remoteAddress: "127.0.0.1",
    headers: { "x-forwarded-for": ["9.9.9.9", "5.6.7.8"] },
  });
  assert.equal(twice.json().ip, "5.6.7.8");
  await app.close();
});

test("TRUST_PROXY=true trusts proxies on this machine and private networks only", async () => {
  const app = await echo("true");
  assert.equal((await seen(app, "127.0.0.1", { "x-forwarded-for": "127.0.0.1, 5.6.7.8" })).ip, "5.6.7.8");
  assert.equal((await seen(app, "10.0.0.1", { "x-forwarded-for": "203.0.113.1, 5.6.7.8" })).ip, "5.6.7.8");
  // A private load balancer in front of nginx: both are proxies, the client is found behind them.
  const chain = { "x-forwarded-for": "203.0.113.1, 5.6.7.8, 10.1.2.3" };
  assert.equal((await seen(app, "127.0.0.1", chain)).ip, "5.6.7.8");
  // A client reaching the node directly from the Internet cannot choose its address.
  assert.equal((await seen(app, "203.0.113.9", { "x-forwarded-for": "5.6.7.8" })).ip, "203.0.113.9");
  await app.close();
});

test("two hops (CDN → nginx → node): the first address from the right that no proxy wrote", async () => {
  const app = await echo("2");
  // The client forged "1.2.3.4"; the CDN appended the client's 5.6.7.8; nginx appended the CDN's.
  const headers = { "x-forwarded-for": "1.2.3.4, 5.6.7.8, 198.51.100.20" };
  assert.equal((await seen(app, "127.0.0.1", headers)).ip, "5.6.7.8");
  await app.close();
});

test("listed proxies: the first untrusted address from the right, whatever is left of it", async () => {
  const app = await echo("10.0.0.0/8, 192.168.0.0/16");
  const chain = { "x-forwarded-for": "10.9.9.9, 5.6.7.8, 192.168.1.1" };
  assert.equal(
    (await seen(app, "10.0.0.1", chain)).ip,
    "5.6.7.8",
    "a forged private address is left of the client",
  );
  assert.equal((await seen(app, "10.0.0.1", { "x-forwarded-for": "5.6.7.8" })).ip, "5.6.7.8");
  // A peer that is not a listed proxy: its header is ignored.
  assert.equal((await seen(app, "203.0.113.9", { "x-forwarded-for": "5.6.7.8" })).ip, "203.0.113.9");
  await app.close();
});

test("IPv6 proxies and clients", async () => {
  const app = await echo("::1, fd00::/8");
  const headers = { "x-forwarded-for": "2001:db8::bad, 2001:db8::1, fd00::2" };
  assert.equal((await seen(app, "::1", headers)).ip, "2001:db8::1");
  assert.equal((await seen(app, "2001:db8::9", { "x-forwarded-for": "2001:db8::1" })).ip, "2001:db8::9");
  await app.close();
});

test("without TRUST_PROXY every forwarded header is ignored", async () => {
  const app = await echo("false");
  const result = await seen(app, "203.0.113.9", {
    "x-forwarded-for": "5.6.7.8",
    "x-forwarded-proto": "https",
  });
  assert.equal(result.ip, "203.0.113.9");
  assert.equal(result.protocol, "http");
  await app.close();
});

test("X-Forwarded-Proto counts only from a trusted proxy", async () => {
  const app = await echo("127.0.0.1");
  const proto = { "x-forwarded-for": "5.6.7.8", "x-forwarded-proto": "https" };
  assert.equal((await seen(app, "127.0.0.1", proto)).protocol, "https");
  assert.equal((await seen(app, "203.0.113.9", proto)).protocol, "http");
  await app.close();
  const hops = await echo("1");
  assert.equal((await seen(hops, "127.0.0.1", proto)).protocol, "https");
  await hops.close();
});

test("isTrustedProxy judges a socket's peer", () => {
  const check = (value: string) => proxyTrust(loadConfig({ TRUST_PROXY: value }).trustProxy).isTrustedProxy;
  assert.equal(check("false")("127.0.0.1"), false);
  assert.equal(check("1")("203.0.113.9"), true, "with a hop count every direct peer is a proxy");
  const listed = check("127.0.0.1, 10.0.0.0/8, fd00::/8");
  assert.equal(listed("127.0.0.1"), true);
  assert.equal(listed("::ffff:127.0.0.1"), true, "an IPv4-mapped peer is its IPv4 address");
  assert.equal(listed("10.200.0.1"), true);
  assert.equal(listed("fd00::1"), true);
  assert.equal(listed("11.0.0.1"), false);
  assert.equal(listed("::1"), false);
  assert.equal(check("loopback")("::1"), true);
});

test("the old TRUST_PROXY=true, and a hop count on a node others can reach, are warned about at start", () => {
  const warning = (value: string, host = "127.0.0.1") =>
    trustProxyWarning(loadConfig({ TRUST_PROXY: value }).trustProxy, host);
  assert.match(
    warning("true") ?? "",
    /read as TRUST_PROXY=loopback,linklocal,uniquelocal.*TRUST_PROXY=127\.0\.0\.1/,
  );
  assert.equal(warning("1"), undefined, "a hop count on a node only this machine reaches");
  assert.match(warning("1", "0.0.0.0") ?? "", /HOST=0\.0\.0\.0 lets others reach this node/);
  assert.equal(warning("10.0.0.1", "0.0.0.0"), undefined);
  assert.equal(warning("false", "0.0.0.0"), undefined);
});
