import assert from "node:assert/strict";
import { test } from "node:test";
import { officeText } from "../office/index.js";
import { type EventDraft, formatInZone, localToInstant, toLocalInput, validateEvent } from "./model.js";

const instant = (local: string, zone: string) => {
  const result = localToInstant(local, zone);
  assert.ok("instant" in result, `${local} ${zone}: ${JSON.stringify(result)}`);
  return result.instant.toISOString();
};

test("a local time and its zone give the instant, in summer and in winter", () => {
  assert.equal(instant("2012-12-08T18:00", "Europe/Paris"), "2012-12-08T17:00:00.000Z");
  assert.equal(instant("2012-07-08T18:00", "Europe/Paris"), "2012-07-08T16:00:00.000Z");
  assert.equal(instant("2012-12-08T18:00", "America/Mexico_City"), "2012-12-09T00:00:00.000Z");
  assert.equal(instant("2012-12-08T18:00", "Asia/Kathmandu"), "2012-12-08T12:15:00.000Z");
  assert.equal(instant("2012-12-08T18:00:00", "UTC"), "2012-12-08T18:00:00.000Z");
});

test("a time skipped when clocks go forward is refused, not moved", () => {
  // Paris, 25 March 2012: 02:00 became 03:00.
  assert.deepEqual(localToInstant("2012-03-25T02:30", "Europe/Paris"), { error: "gap" });
  assert.equal(instant("2012-03-25T01:59", "Europe/Paris"), "2012-03-25T00:59:00.000Z");
  assert.equal(instant("2012-03-25T03:00", "Europe/Paris"), "2012-03-25T01:00:00.000Z");
  // New York, 11 March 2012: 02:00 became 03:00.
  assert.deepEqual(localToInstant("2012-03-11T02:15", "America/New_York"), { error: "gap" });
});

test("a time that happens twice when clocks go back is the first of the two", () => {
  // Paris, 28 October 2012: 03:00 summer time became 02:00 winter time; 02:30 happened twice.
  assert.equal(instant("2012-10-28T02:30", "Europe/Paris"), "2012-10-28T00:30:00.000Z");
  assert.equal(instant("2012-10-28T03:30", "Europe/Paris"), "2012-10-28T02:30:00.000Z");
  // And it reads back as the same wall-clock time.
  assert.equal(toLocalInput(new Date("2012-10-28T00:30:00Z"), "Europe/Paris"), "2012-10-28T02:30");
});

test("bad zones and bad times are told apart", () => {
  assert.deepEqual(localToInstant("2012-12-08T18:00", "Mars/Olympus"), { error: "zone" });
  assert.deepEqual(localToInstant("2012-12-08T18:00", ""), { error: "zone" });
  for (const bad of [
    "",
    "tomorrow",
    "2012-13-08T18:00",
    "2012-02-30T18:00",
    "2012-12-08 18:00",
    "2012-12-08T25:00",
  ])
    assert.deepEqual(localToInstant(bad, "Europe/Paris"), { error: "format" }, bad);
});

test("times are shown back in the event's zone", () => {
  assert.equal(
    formatInZone(new Date("2012-12-08T17:00:00Z"), "Europe/Paris"),
    "2012-12-08 18:00 (Europe/Paris)",
  );
  assert.equal(toLocalInput(new Date("2012-12-09T00:00:00Z"), "America/Mexico_City"), "2012-12-08T18:00");
});

const good: EventDraft = {
  title: "Write for Rights at the library",
  description: "",
  address: "1 rue de la Paix, Paris",
  country: "FR",
  latitude: "48.8566",
  longitude: "2,3522",
  startsLocal: "2012-12-08T18:00",
  endsLocal: "2012-12-08T21:00",
  timeZone: "Europe/Paris",
  capacity: "",
  public: true,
};
const anywhere = () => true;

test("a good draft becomes values; each bad field gets its own error", () => {
  const ok = validateEvent(good, anywhere);
  assert.deepEqual(ok.errors, {});
  assert.equal(ok.values?.longitude, 2.3522, "a decimal comma is read");
  assert.equal(ok.values?.capacity, null);
  const cases: [Partial<EventDraft>, string][] = [
    [{ title: "" }, "title"],
    [{ title: "x".repeat(201) }, "title"],
    [{ address: "" }, "address"],
    [{ country: "XX" }, "country"],
    [{ country: "" }, "country"],
    [{ timeZone: "Mars/Olympus" }, "time_zone"],
    [{ endsLocal: "2012-12-08T17:00" }, "ends"],
    [{ endsLocal: "2012-12-08T18:00" }, "ends"],
    [{ startsLocal: "2012-03-25T02:30", endsLocal: "2012-03-25T05:00" }, "starts"],
    [{ longitude: "" }, "longitude"],
    [{ latitude: "" }, "latitude"],
    [{ latitude: "91" }, "latitude"],
    [{ longitude: "-180.5" }, "longitude"],
    [{ latitude: "north" }, "latitude"],
    [{ capacity: "0" }, "capacity"],
    [{ capacity: "-3" }, "capacity"],
    [{ capacity: "2.5" }, "capacity"],
    [{ capacity: "100001" }, "capacity"],
  ];
  for (const [change, fieldName] of cases) {
    const result = validateEvent({ ...good, ...change }, anywhere);
    assert.equal(result.values, undefined, JSON.stringify(change));
    assert.deepEqual(Object.keys(result.errors), [fieldName], JSON.stringify(change));
  }
  const neither = validateEvent({ ...good, latitude: "", longitude: "" }, anywhere);
  assert.equal(neither.values?.latitude, null);
  const notMine = validateEvent(good, (country) => country === "ES");
  // Errors are message keys; the form shows them in the reader's language (English here).
  assert.match(officeText(notMine.errors.country ?? ""), /countries of your sections/);
});
