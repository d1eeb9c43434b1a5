import assert from "node:assert/strict";
import { test } from "node:test";
import type { Holdings } from "./holdings.js";
import { scope } from "./service.js";

// Who sees what of a person (service.ts `scope`): an admin all; a coordinator the rows in their
// countries, the whole (record, mails) only when everything is there, which is also when they
// may erase.

const at = new Date(0);
const held = (countries: string[]): Holdings => ({
  supporters: [{ id: "s", email: "a@example.org", name: "A", createdAt: at }],
  signatures: [],
  actions: countries.map((country, i) => ({
    id: `a${i}`,
    campaign: "w4r-2012",
    case: "gao-zhisheng",
    type: "petition",
    country,
    quantity: 1,
    channel: "web",
    occurredAt: at,
  })),
  consents: [],
  messages: [],
  rsvps: [],
  mails: [{ id: 1, recipient: "a@example.org", subject: "Hi", body: "Hi A", createdAt: at, sentAt: null }],
});

test("an admin sees everything and may erase", () => {
  const s = scope(held(["ES", "FR"]), null);
  assert.deepEqual(
    [s.found, s.complete, s.holdings.actions.length, s.holdings.mails.length],
    [true, true, 2, 1],
  );
});

test("a coordinator whose countries hold everything sees it all and may erase", () => {
  const s = scope(held(["ES", "ES"]), ["ES", "PT"]);
  assert.deepEqual([s.found, s.complete, s.holdings.mails.length], [true, true, 1]);
});

test("a coordinator sees only their countries' rows, no mails, and may not erase, when the person acted elsewhere too", () => {
  const s = scope(held(["ES", "FR"]), ["ES"]);
  assert.equal(s.found, true);
  assert.equal(s.complete, false);
  assert.deepEqual(
    s.holdings.actions.map((a) => a.country),
    ["ES"],
  );
  assert.equal(s.holdings.mails.length, 0);
});

test("a coordinator with nothing in their countries finds nothing at all", () => {
  const s = scope(held(["FR"]), ["ES"]);
  assert.deepEqual(
    [s.found, s.complete, s.holdings.supporters.length, s.holdings.mails.length],
    [false, false, 0, 0],
  );
  assert.equal(scope(held([]), ["ES"]).found, false, "a record with no row in a country is an admin's");
});
