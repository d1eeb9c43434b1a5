import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { OutageLog } from "./outage.js";

function recorder() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, log };
}

test("an outage is logged when it starts, reminded every 30 s, and when it ends", () => {
  const { lines, log } = recorder();
  let now = 1_000_000;
  const outage = new OutageLog(log, () => now);
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  for (let i = 0; i < 1000; i++) {
    outage.failed(refused, { method: "GET", url: "/es/cases/x" });
    now += 10;
  }
  const warned = () => lines.filter((l) => l.level === 40).map((l) => l.msg);
  assert.equal(warned().length, 1, "one line for a thousand requests in 10 s");
  assert.match(
    warned()[0] ?? "",
    /^database unavailable: ECONNREFUSED connect ECONNREFUSED .* \(GET \/es\/cases\/x\)/,
  );
  assert.equal(outage.active, true);
  now += 30_000;
  outage.failed(refused);
  assert.equal(warned().length, 2, "a reminder after 30 s");
  assert.match(warned()[1] ?? "", /^database still unavailable after 40 s: .*1001 requests answered 503/);
  outage.recovered();
  outage.recovered();
  const ended = lines.filter((l) => /^database reachable again/.test(l.msg));
  assert.equal(ended.length, 1);
  assert.equal(ended[0]?.level, 30);
  assert.equal(outage.active, false);
  outage.failed(refused);
  assert.equal(warned().length, 3, "the next outage is logged again");
  assert.ok(
    lines.every((l) => l.level < 50),
    "never at error",
  );
});
