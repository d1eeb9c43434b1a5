import assert from "node:assert/strict";
import { test } from "node:test";
import { person } from "../office/fixtures.js";
import { wordDiff } from "./history.js";
import { mayApprove, queueLanguages, reviewsInto, translatesInto } from "./policy.js";

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

test("a coordinator reviews the languages of the sections they run", () => {
  const sections = new Map([
    [1, ["es-ES", "es", "ca"]],
    [2, ["fr"]],
  ]);
  const spain = person("coordinator", { sectionIds: [1] });
  assert.ok(reviewsInto(spain, "ca", sections));
  assert.ok(reviewsInto(spain, "ES", sections), "tags compare without case");
  assert.equal(reviewsInto(spain, "fr", sections), false);
  assert.equal(reviewsInto(person("translator", { languages: ["ca"] }), "ca", sections), false);
  assert.equal(reviewsInto(person("admin"), "ca", sections), false, "an admin needs no section");
});

test("four eyes: who may approve a text, with and without a second person required", () => {
  const ana = person("translator", { id: 1, languages: ["es"] });
  const beto = person("translator", { id: 2, languages: ["es"] });
  const admin = person("admin", { id: 3 });
  const coordinator = person("coordinator", { id: 4 });
  const off = { reviewRequired: false, reviews: false };
  const on = { reviewRequired: true, reviews: false };
  // Without review, the writer approves her own text; nobody approves a language they do not translate.
  assert.ok(mayApprove(ana, "es", { ...off, editedBy: ana.id }));
  assert.equal(mayApprove(ana, "fr", { ...off, editedBy: null }), false);
  // With review: never the writer, whoever she is; any other translator of it, an admin, a coordinator of it.
  assert.equal(mayApprove(ana, "es", { ...on, editedBy: ana.id }), false);
  assert.ok(mayApprove(beto, "es", { ...on, editedBy: ana.id }));
  assert.ok(mayApprove(admin, "es", { ...on, editedBy: ana.id }));
  assert.equal(mayApprove(admin, "es", { ...on, editedBy: admin.id }), false);
  assert.ok(mayApprove(coordinator, "es", { ...on, reviews: true, editedBy: ana.id }));
  assert.equal(mayApprove(coordinator, "es", { ...on, reviews: false, editedBy: ana.id }), false);
  // A text from before the back office has no known writer: anyone who may approve, may.
  assert.ok(mayApprove(ana, "es", { ...on, editedBy: null }));
});

test("the word diff names the words added and removed, and keeps the rest", () => {
  const changes = wordDiff(
    "Protect María and investigate the threats.",
    "Protect María, investigate the threats and punish those responsible.",
  );
  const joined = (kind: string) =>
    changes
      .filter((c) => c.kind === kind)
      .map((c) => c.text)
      .join("|");
  assert.match(joined("added"), /punish those responsible/);
  assert.match(joined("removed"), /\band\b/);
  assert.equal(
    changes
      .filter((c) => c.kind !== "added")
      .map((c) => c.text)
      .join(""),
    "Protect María and investigate the threats.",
    "the old text is the unchanged and removed parts",
  );
  assert.equal(
    changes
      .filter((c) => c.kind !== "removed")
      .map((c) => c.text)
      .join(""),
    "Protect María, investigate the threats and punish those responsible.",
  );
});
