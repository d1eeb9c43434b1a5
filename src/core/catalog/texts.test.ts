import assert from "node:assert/strict";
import { test } from "node:test";
import { fallbackChain, pickText } from "./texts.js";

const texts = { en: "English", es: "Español", "es-MX": "Español de México", fr: "Français" };

test("the fallback chain goes from the regional variant to the language to the campaign default", () => {
  assert.deepEqual(fallbackChain("es-MX", "en"), ["es-mx", "es", "en"]);
  assert.deepEqual(fallbackChain("zh-Hans-CN", "en"), ["zh-hans-cn", "zh-hans", "zh", "en"]);
  assert.deepEqual(fallbackChain("en", "en"), ["en"]);
});

test("the closest translation is picked, and a different language is flagged", () => {
  assert.deepEqual(pickText(texts, "es-MX", "en"), {
    text: "Español de México",
    language: "es-MX",
    isFallback: false,
  });
  assert.deepEqual(pickText(texts, "es-AR", "en"), { text: "Español", language: "es", isFallback: false });
  assert.deepEqual(pickText(texts, "pl", "en"), { text: "English", language: "en", isFallback: true });
  assert.deepEqual(pickText(texts, "ar", "fr"), { text: "Français", language: "fr", isFallback: true });
  assert.deepEqual(pickText({ de: "Deutsch" }, "pl", "en"), {
    text: "Deutsch",
    language: "de",
    isFallback: true,
  });
  assert.equal(pickText({}, "pl", "en"), undefined);
});
