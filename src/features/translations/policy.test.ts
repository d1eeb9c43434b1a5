import assert from "node:assert/strict";
import { test } from "node:test";
import { person } from "../office/fixtures.js";
import { queueLanguages, translatesInto } from "./policy.js";

test("a translator translates into their own languages only; an admin into any", () => {
  const translator = person("translator", { languages: ["es", "pt-BR"] });
  assert.ok(translatesInto(translator, "es"));
  assert.ok(translatesInto(translator, "PT-br"), "tags compare without case");
  assert.equal(translatesInto(translator, "es-MX"), false, "a regional variant is its own language");
  assert.equal(translatesInto(translator, "fr"), false);
  assert.ok(translatesInto(person("admin"), "fr"));
  assert.equal(translatesInto(person("coordinator", { languages: ["es"] }), "es"), false);
});

test("a translator's queue shows their languages among those in use", () => {
  const all = ["es", "es-MX", "fr", "pt-BR", "pt-PT"];
  assert.deepEqual(queueLanguages(person("translator", { languages: ["es", "pt-BR"] }), all), [
    "es",
    "pt-BR",
  ]);
  assert.deepEqual(queueLanguages(person("admin"), all), all);
});
