import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultPaper, packPaper, paperOfRegion, regionOf } from "./paper.js";

test("US Letter where CLDR says the country uses it, A4 everywhere else", () => {
  for (const country of ["US", "CA", "MX", "PH", "CL", "co"])
    assert.equal(paperOfRegion(country), "letter", country);
  for (const country of ["ES", "GB", "FR", "IN", "AU", "BR", null, undefined, ""])
    assert.equal(paperOfRegion(country), "a4", String(country));
});

test("a language tag's region, if it names one", () => {
  assert.equal(regionOf("es-MX"), "MX");
  assert.equal(regionOf("en-us"), "US");
  assert.equal(regionOf("es"), null);
  assert.equal(regionOf("es-419"), null, "a UN M.49 area is no country");
  assert.equal(regionOf("zh-Hant"), null);
  assert.equal(regionOf("not a tag!"), null);
});

test("without ?paper=: the address's region first, then the reader's first language", () => {
  assert.deepEqual(defaultPaper("es-MX", "es-ES"), { paper: "letter", varies: false });
  assert.deepEqual(defaultPaper("fr-FR", "en-US"), { paper: "a4", varies: false });
  assert.deepEqual(defaultPaper("en", "en-US,en;q=0.8"), { paper: "letter", varies: true });
  assert.deepEqual(defaultPaper("es", "es-419,es;q=0.9"), { paper: "a4", varies: true });
  assert.deepEqual(defaultPaper("en", "en-GB"), { paper: "a4", varies: true });
  assert.deepEqual(defaultPaper("en", undefined), { paper: "a4", varies: true });
  assert.deepEqual(defaultPaper("en", "*"), { paper: "a4", varies: true });
});

test("a section's packs: Letter for a Letter country or a Letter region's language", () => {
  assert.equal(packPaper("US", "en"), "letter");
  assert.equal(packPaper("CA", "fr"), "letter");
  assert.equal(packPaper("MX", "es"), "letter");
  assert.equal(packPaper("ES", "es"), "a4");
  assert.equal(packPaper("ES", "es-US"), "letter");
  assert.equal(packPaper("GB", "cy"), "a4");
});
