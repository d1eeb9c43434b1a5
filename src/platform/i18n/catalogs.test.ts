import assert from "node:assert/strict";
import { test } from "node:test";
import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { UI_LOCALES } from "./locales.js";
import { loadCatalog, messagesFor } from "./messages.js";

const reference = loadCatalog("en");

function placeholders(elements: MessageFormatElement[], found = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (
      el.type === TYPE.argument ||
      el.type === TYPE.number ||
      el.type === TYPE.date ||
      el.type === TYPE.time
    ) {
      found.add(el.value);
    }
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      found.add(el.value);
      for (const option of Object.values(el.options)) placeholders(option.value, found);
    }
    if (el.type === TYPE.tag) placeholders(el.children, found);
  }
  return found;
}

for (const locale of UI_LOCALES) {
  test(`the ${locale} catalog is complete and valid ICU`, () => {
    const catalog = loadCatalog(locale);
    assert.deepEqual(Object.keys(catalog).sort(), Object.keys(reference).sort(), "same keys as English");
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (const [key, message] of Object.entries(catalog)) {
      const ast = parse(message);
      assert.deepEqual(
        [...placeholders(ast)].sort(),
        [...placeholders(parse(reference[key] as string))].sort(),
        `${locale} ${key}: same placeholders as English`,
      );
      for (const el of ast) {
        if (el.type !== TYPE.plural) continue;
        for (const category of categories) {
          assert.ok(category in el.options, `${locale} ${key}: needs the plural form "${category}"`);
        }
      }
    }
  });
}

test("messages format numbers, plurals and country names by locale", () => {
  const pl = messagesFor("pl");
  assert.notEqual(pl.t("counter.actionsLabel", { count: 2 }), pl.t("counter.actionsLabel", { count: 5 }));
  assert.equal(messagesFor("ru").country("FR"), "Франция");
  assert.equal(messagesFor("zh-Hans").country("DE"), "德国");
  assert.equal(messagesFor("fr").number(1412880), "1\u202f412\u202f880");
  const forms = messagesFor("ar").pluralForms("counter.actionsLabel");
  assert.deepEqual(Object.keys(forms).sort(), ["few", "many", "one", "other", "two", "zero"]);
});
