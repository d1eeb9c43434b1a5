import assert from "node:assert/strict";
import { test } from "node:test";
import { person, sectionOf } from "../office/fixtures.js";
import { holdsEventsIn, managesEvent } from "./policy.js";

test("an organizer manages their own events; a coordinator those of their countries", () => {
  const event = { organizerId: 7, country: "ES" };
  assert.ok(managesEvent(person("organizer", { id: 7 }), event, sectionOf));
  assert.equal(managesEvent(person("organizer", { id: 8, sectionIds: [1] }), event, sectionOf), false);
  assert.ok(managesEvent(person("coordinator", { sectionIds: [1] }), event, sectionOf));
  assert.equal(managesEvent(person("coordinator", { sectionIds: [2] }), event, sectionOf), false);
  assert.ok(managesEvent(person("admin"), event, sectionOf));
  assert.equal(managesEvent(person("translator", { languages: ["es"] }), event, sectionOf), false);
});

test("events are held in one's sections' countries; a volunteer of no section anywhere", () => {
  assert.ok(holdsEventsIn(person("admin"), "FR", sectionOf));
  assert.ok(holdsEventsIn(person("organizer"), "FR", sectionOf), "a volunteer");
  assert.ok(holdsEventsIn(person("organizer", { sectionIds: [1] }), "ES", sectionOf));
  assert.equal(holdsEventsIn(person("organizer", { sectionIds: [1] }), "MX", sectionOf), false);
  assert.ok(holdsEventsIn(person("coordinator", { sectionIds: [2] }), "MX", sectionOf));
  assert.equal(holdsEventsIn(person("coordinator", { sectionIds: [2] }), "FR", sectionOf), false);
  assert.equal(holdsEventsIn(person("translator"), "ES", sectionOf), false);
});
