import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalLanguage, isEmail, isSlug, isUuid, normalizeEmail, personalEmail } from "./rules.js";

test("emails: one @, a dotted domain, no spaces or header characters", () => {
  for (const ok of ["ana@example.org", "a.b+tag@mail.example.co.uk", "x@xn--bcher-kva.de"])
    assert.ok(isEmail(ok), ok);
  for (const bad of [
    "",
    "ana",
    "ana@",
    "ana@example",
    "a b@example.org",
    "a@b@example.org",
    "a@example.org, b@example.org",
    "<a@example.org>",
    `${"a".repeat(65)}@example.org`,
  ])
    assert.equal(isEmail(bad), false, bad);
  assert.equal(normalizeEmail("  Ana@Example.ORG "), "ana@example.org");
});

test("language tags are canonical or refused", () => {
  assert.equal(canonicalLanguage("es-mx"), "es-MX");
  assert.equal(canonicalLanguage("zh-hans"), "zh-Hans");
  assert.equal(canonicalLanguage("EN"), "en");
  for (const bad of ["", "e", "english language", "es_MX", "x".repeat(40), "es--MX"])
    assert.equal(canonicalLanguage(bad), undefined, bad);
});

test("UUIDs and slugs", () => {
  assert.ok(isUuid("0190f4a2-7b3c-7def-8123-456789abcdef"));
  assert.ok(isUuid("0190F4A2-7B3C-7DEF-8123-456789ABCDEF"));
  assert.equal(isUuid("0190f4a2-7b3c-7def-8123-456789abcde"), false);
  assert.ok(isSlug("gao-zhisheng"));
  assert.equal(isSlug("Gao"), false);
  assert.equal(isSlug("-gao"), false);
});

test("personalEmail folds dots and +tags only where the provider ignores them", () => {
  assert.equal(personalEmail(" J.Doe+W4R@GoogleMail.com "), "jdoe@gmail.com");
  assert.equal(personalEmail("jdoe@gmail.com"), "jdoe@gmail.com");
  assert.equal(personalEmail("ana+news@outlook.com"), "ana@outlook.com");
  assert.equal(personalEmail("a.n.a@outlook.com"), "a.n.a@outlook.com");
  assert.equal(personalEmail("ana+news@example.org"), "ana+news@example.org");
  assert.equal(personalEmail("j.doe@example.org"), "j.doe@example.org");
  assert.equal(personalEmail("+tag@gmail.com"), "+tag@gmail.com");
});
