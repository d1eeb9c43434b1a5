import assert from "node:assert/strict";
import { test } from "node:test";
import { person } from "../office/fixtures.js";
import { runsSection } from "./policy.js";

test("a section is run by its coordinators and by admins", () => {
  assert.ok(runsSection(person("coordinator", { sectionIds: [1, 2] }), 2));
  assert.equal(runsSection(person("coordinator", { sectionIds: [1] }), 2), false);
  assert.ok(runsSection(person("admin"), 2));
  assert.equal(
    runsSection(person("organizer", { sectionIds: [2] }), 2),
    false,
    "organizers belong, they do not run",
  );
});
