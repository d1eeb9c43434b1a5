import { randomBytes } from "node:crypto";
import { keyId } from "../src/platform/privacy/keys.js";
import { Privacy } from "../src/platform/privacy/privacy.js";

// What sealing costs the write path, in CPU time per action that carries a supporter: the keyed
// hash of the email and the sealing of email and name, as the batcher does them before the
// statement (`npm run bench:ingest -- --personal` measures the whole path; on a shared machine
// its figures move with the load, this one much less). Letters carry no supporter and cost nothing.

const key = randomBytes(32);
const privacy = new Privacy({ current: { id: keyId(key), bytes: key }, previous: [] }, randomBytes(32));
const rows = Number(process.argv[2] ?? 200_000);

function run(n: number): number {
  const started = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const email = `person.${i}@example.org`;
    bytes += privacy.emailKey(email).length;
    bytes += privacy.seal(email, "email").length;
    bytes += privacy.seal(`Person Number ${i}`, "name").length;
  }
  const used = process.cpuUsage(started);
  if (bytes === 0) throw new Error("nothing sealed");
  return (used.user + used.system) / n;
}

run(20_000); // JIT warm-up
const perRow = run(rows);
console.log(`sealing: ${perRow.toFixed(2)} µs of CPU per supporter (hash + email + name), ${rows} rows`);
console.log(`= ${Math.round(1e6 / perRow).toLocaleString("en")} supporters per second per core`);
const opened = (() => {
  const sealed = Array.from({ length: 10_000 }, (_, i) => privacy.seal(`Person Number ${i}`, "name"));
  const started = process.cpuUsage();
  for (const s of sealed) privacy.open(s, "name");
  const used = process.cpuUsage(started);
  return (used.user + used.system) / sealed.length;
})();
console.log(`opening: ${opened.toFixed(2)} µs of CPU per name (the wall, office lists, exports)`);
