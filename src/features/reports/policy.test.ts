import assert from "node:assert/strict";
import { test } from "node:test";
import { person, sectionOf } from "../office/fixtures.js";
import { reportsFor, seesReport } from "./policy.js";

test("letters are reported for one's countries, or for one's own event in its own country", () => {
  const organizer = person("organizer", { id: 7, sectionIds: [1] });
  assert.ok(reportsFor(organizer, { country: "ES" }, sectionOf));
  assert.equal(reportsFor(organizer, { country: "MX" }, sectionOf), false);
  const ownEventAbroad = { organizerId: 7, country: "PT" };
  assert.ok(reportsFor(organizer, { country: "PT", event: ownEventAbroad }, sectionOf));
  assert.equal(
    reportsFor(organizer, { country: "ES", event: ownEventAbroad }, sectionOf),
    false,
    "its country",
  );
  assert.equal(
    reportsFor(organizer, { country: "ES", event: { organizerId: 8, country: "ES" } }, sectionOf),
    false,
  );
  assert.ok(reportsFor(person("coordinator", { sectionIds: [2] }), { country: "MX" }, sectionOf));
  assert.equal(reportsFor(person("translator"), { country: "ES" }, sectionOf), false);
});

test("a report is seen by who made it, its country's coordinators and admins", () => {
  const report = { reportedBy: 7, country: "ES" };
  assert.ok(seesReport(person("organizer", { id: 7 }), report, sectionOf));
  assert.equal(seesReport(person("organizer", { id: 8, sectionIds: [1] }), report, sectionOf), false);
  assert.ok(seesReport(person("coordinator", { sectionIds: [1] }), report, sectionOf));
  assert.equal(seesReport(person("coordinator", { sectionIds: [2] }), report, sectionOf), false);
  assert.ok(seesReport(person("admin"), report, sectionOf));
});
