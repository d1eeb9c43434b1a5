import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { OutageLog } from "./outage.js";

function recorder() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, log };
}

test("the requests' side of an outage is one line when it starts and one when it ends", () => {
  const { lines, log } = recorder();
  let now = 1_000_000;
  const outage = new OutageLog(log, () => now);
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  for (let i = 0; i < 1000; i++) {
    outage.failed(refused, { method: "GET", url: "/es/cases/x" });
    now += 40;
  }
  // The database's monitor logs the change of state at warn; here nothing above info.
  const told = () => lines.filter((l) => l.level >= 30).map((l) => l.msg);
  assert.equal(told().length, 1, "one line for a thousand requests in 40 s");
  assert.match(
    told()[0] ?? "",
    /^database unavailable: ECONNREFUSED connect ECONNREFUSED .* \(GET \/es\/cases\/x\)/,
  );
  assert.equal(outage.active, true);
  outage.recovered();
  outage.recovered();
  assert.equal(told().length, 2);
  assert.match(told()[1] ?? "", /^requests reach the database again after 40 s; 1000 were answered 503/);
  assert.equal(outage.active, false);
  outage.failed(refused);
  assert.equal(told().length, 3, "the next outage is logged again");
  assert.ok(
    lines.every((l) => l.level <= 30),
    "never at warn or error",
  );
});
