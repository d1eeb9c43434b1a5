import assert from "node:assert/strict";
import { test } from "node:test";
import { person, sectionOf } from "../office/fixtures.js";
import { moderatesMessage } from "./policy.js";

test("a message is moderated by its country's coordinators and by admins", () => {
  const message = { country: "MX" };
  assert.ok(moderatesMessage(person("coordinator", { sectionIds: [2] }), message, sectionOf));
  assert.equal(moderatesMessage(person("coordinator", { sectionIds: [1] }), message, sectionOf), false);
  assert.ok(moderatesMessage(person("admin"), message, sectionOf));
  assert.equal(moderatesMessage(person("organizer", { sectionIds: [2] }), message, sectionOf), false);
  assert.equal(
    moderatesMessage(person("coordinator", { sectionIds: [2] }), { country: "FR" }, sectionOf),
    false,
  );
});
