import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import countries from "i18n-iso-countries";
import { renderWorldMap, type WorldMapOptions } from "./render.js";
import { bucketOf, bucketRanges, makeScale } from "./scale.js";
import { renderCountryTable } from "./table.js";
import { getWorld } from "./world.js";

// The map may take this much of the 60 KB (compressed) page budget. Measured at the time of
// writing: about 81 KB raw and 19 KB gzipped for the whole world with 30 countries coloured.
const GZIP_BUDGET = 24 * 1024;

const numbers = new Intl.NumberFormat("en");
const options: WorldMapOptions = {
  title: "Actions per country",
  labelFor: (code) => code,
  formatNumber: (n) => numbers.format(n),
  legendLabel: "Actions",
  noActionsLabel: "No actions yet",
};

/** Class of each country path and marker, keyed by the code in its title (labelFor returns the code). */
function classes(svg: string, element: "path" | "circle"): Map<string, number> {
  const found = new Map<string, number>();
  const pattern = new RegExp(`<${element} class="m(\\d)"[^>]*><title>([A-Z]{2}): `, "g");
  for (const [, bucket, code] of svg.matchAll(pattern)) found.set(code as string, Number(bucket));
  return found;
}

// A heavy-tailed spread like a real edition: one large section, a few medium, many small,
// and micro-states among them.
const THIRTY: Record<string, number> = {
  US: 50_000,
  DE: 12_000,
  FR: 8_000,
  GB: 6_000,
  PL: 4_000,
  BR: 2_500,
  MX: 1_800,
  IN: 1_500,
  ZA: 1_200,
  NG: 900,
  KE: 700,
  AU: 600,
  CA: 550,
  JP: 400,
  AR: 350,
  ES: 300,
  IT: 250,
  SE: 200,
  NO: 180,
  MA: 160,
  TN: 150,
  SN: 140,
  GH: 130,
  NP: 120,
  PH: 110,
  MT: 100,
  SG: 105,
  LU: 400,
  BH: 2_000,
  AD: 100,
};

describe("world geometry", () => {
  it("has a path for every country of a sample, micro-states included", () => {
    const world = getWorld();
    const sample = ["FR", "DE", "US", "BR", "IN", "CN", "ZA", "NG", "AU", "JP", "MX", "RU", "EG", "KE", "PL"];
    const small = ["XK", "MT", "SG", "LU", "AD", "MC", "LI", "BH", "FJ", "NZ", "PS", "VA", "SM", "MV"];
    for (const code of [...sample, ...small]) {
      const shape = world.byCode.get(code);
      assert.ok(shape, `no shape for ${code}`);
      assert.match(shape.d, /^M[-\d .Mlz]+$/, `odd path data for ${code}`);
    }
    const svg = renderWorldMap({}, options);
    for (const code of sample) assert.ok(classes(svg, "path").has(code), `${code} not drawn`);
  });

  it("keys every shape by a valid alpha-2 code and leaves Antarctica out", () => {
    const world = getWorld();
    for (const shape of world.countries) assert.ok(countries.isValid(shape.code), shape.code);
    assert.equal(world.byCode.has("AQ"), false);
    assert.ok(world.neutral.length > 0, "unmapped land (e.g. N. Cyprus) is still drawn");
  });

  it("marks small states and only them", () => {
    const world = getWorld();
    for (const code of ["MT", "SG", "LU", "AD", "MC", "LI", "BH", "VA", "SM", "MV"]) {
      assert.ok(world.byCode.get(code)?.marker, `${code} has no marker`);
    }
    for (const code of ["FR", "US", "BR", "CH", "BE"])
      assert.equal(world.byCode.get(code)?.marker, undefined);
  });

  it("is built once", () => {
    assert.equal(getWorld(), getWorld());
  });
});

describe("renderWorldMap", () => {
  it("ignores unknown, invalid and non-positive entries without throwing", () => {
    const counts = JSON.parse(
      '{"ZZ":5,"<x>":3,"fr":7,"":1,"__proto__":9,"toString":4,"US":-5,"DE":0,"BR":"12","IN":null}',
    ) as Record<string, number>;
    counts.JP = Number.NaN;
    counts.CN = Number.POSITIVE_INFINITY;
    const svg = renderWorldMap(counts, options);
    assert.deepEqual(new Set(classes(svg, "path").values()), new Set([0]));
    assert.doesNotMatch(svg, /ZZ|&lt;x&gt;|<x>/);
    assert.doesNotMatch(svg, /<circle/);
  });

  it("colours monotonically: a bigger count never gets a lighter class", () => {
    const codes = getWorld().countries.map((c) => c.code);
    const counts: Record<string, number> = {};
    let seed = 7;
    for (const code of codes) {
      seed = (seed * 16807) % 2147483647;
      // Log-uniform between 1 and about 100,000, the spread of a real edition.
      counts[code] = Math.round(10 ** ((seed / 2147483647) * 5));
    }
    const found = classes(renderWorldMap(counts, options), "path");
    const ordered = [...found].sort(([a], [b]) => (counts[a] ?? 0) - (counts[b] ?? 0));
    for (let i = 1; i < ordered.length; i++) {
      const [lowCode, low] = ordered[i - 1] as [string, number];
      const [highCode, high] = ordered[i] as [string, number];
      assert.ok(
        high >= low,
        `${highCode} (${counts[highCode]}) is m${high}, ${lowCode} (${counts[lowCode]}) is m${low}`,
      );
    }
    assert.equal(new Set(found.values()).size, 5, "a wide spread uses all five colours");
  });

  it("draws a marker for micro-states with actions, none for those without", () => {
    const svg = renderWorldMap(THIRTY, options);
    const markers = classes(svg, "circle");
    for (const code of ["MT", "SG", "LU", "BH", "AD"]) assert.ok((markers.get(code) ?? 0) > 0, `${code}`);
    for (const code of ["MC", "LI", "VA", "FR"]) assert.equal(markers.has(code), false, code);
    assert.equal(markers.get("BH"), classes(svg, "path").get("BH"), "marker and shape share the colour");
  });

  it("escapes every text it writes", () => {
    const svg = renderWorldMap(
      { FR: 10, MT: 3 },
      {
        title: 'Map "of" <b>&',
        labelFor: () => "<script>alert(1)</script>",
        formatNumber: (n) => `<i>${n}</i>`,
        legendLabel: "</text><script>",
        noActionsLabel: "<img src=x onerror=alert(1)>",
        rtl: true,
      },
    );
    assert.doesNotMatch(svg, /<script|<img|<i>|<b>|"of"/);
    assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt;: &lt;i&gt;10&lt;\/i&gt;/);
    assert.match(svg, /aria-label="Map &quot;of&quot; &lt;b&gt;&amp;"/);
    assert.match(svg, /direction="rtl"/);
  });

  it("has an accessible name and a legend with ranges", () => {
    const svg = renderWorldMap(THIRTY, options);
    assert.match(
      svg,
      /^<svg [^>]*role="img" aria-label="Actions per country"><title>Actions per country<\/title>/,
    );
    for (const label of [
      "No actions yet",
      "100–499",
      "500–999",
      "1,000–4,999",
      "5,000–19,999",
      "20,000–50,000",
    ]) {
      assert.ok(svg.includes(`>${label}</text>`), `legend lacks ${label}`);
    }
    assert.match(svg, /<path class="m5" /);
  });

  it("carries no inline style (the pages' CSP allows none); the maps' stylesheet colours it", () => {
    const svg = renderWorldMap(THIRTY, options);
    assert.doesNotMatch(svg, /<style|style=/);
    const css = readFileSync(new URL("../../platform/views/assets/map.css", import.meta.url), "utf8");
    for (const bucket of [0, 1, 2, 3, 4, 5]) {
      assert.match(svg, new RegExp(`class="m${bucket}"`), `the SVG uses bucket ${bucket}`);
      assert.match(css, new RegExp(`\\.wmap \\.m${bucket} \\{`));
    }
    assert.match(css, /\.wmap \.m5 \{\s*fill: var\(--map-5, #440154\);/);
  });

  it(`stays under ${GZIP_BUDGET / 1024} KB gzipped for the whole world with 30 countries`, () => {
    const svg = renderWorldMap(THIRTY, {
      ...options,
      labelFor: (code) => countries.getName(code, "en") ?? code,
    });
    const raw = Buffer.byteLength(svg);
    const gzipped = gzipSync(svg).length;
    assert.ok(gzipped <= GZIP_BUDGET, `${gzipped} bytes gzipped (raw ${raw})`);
    assert.ok(raw <= 120 * 1024, `${raw} bytes raw`);
  });
});

describe("scale", () => {
  it("rounds log steps to readable bounds", () => {
    const scale = makeScale([100, 50_000, 700]);
    assert.deepEqual(scale?.thresholds, [500, 1000, 5000, 20_000]);
    assert.deepEqual(scale && bucketRanges(scale), [
      [100, 499],
      [500, 999],
      [1000, 4999],
      [5000, 19_999],
      [20_000, 50_000],
    ]);
  });

  it("copes with one value, and with none", () => {
    const one = makeScale([42, 42]);
    assert.deepEqual(one && bucketRanges(one), [[42, 42]]);
    assert.equal(bucketOf(one, 42), 1);
    assert.equal(makeScale([]), null);
    assert.equal(bucketOf(null, 5), 0);
  });
});

describe("renderCountryTable", () => {
  const table = renderCountryTable(
    { FR: 50, DE: 700, ZZ: 9, fr: 3, BE: 50, GI: 4, US: 0, "<x>": 1 },
    {
      caption: "Actions <per> country",
      countryHeader: "Country",
      countHeader: "Actions",
      labelFor: (code) => countries.getName(code, "en") ?? code,
      formatNumber: (n) => numbers.format(n),
      locale: "en",
    },
  );

  it("has a caption and scoped headers", () => {
    assert.match(table, /<caption>Actions &lt;per&gt; country<\/caption>/);
    assert.equal(table.match(/<th scope="col"/g)?.length, 2);
    assert.equal(table.match(/<th scope="row">/g)?.length, 4);
  });

  it("sorts by count, then name, and keeps territories the map cannot show", () => {
    const names = [...table.matchAll(/<th scope="row">([^<]*)<\/th><td class="num">([^<]*)</g)].map(
      ([, name, n]) => `${name} ${n}`,
    );
    assert.deepEqual(names, ["Germany 700", "Belgium 50", "France 50", "Gibraltar 4"]);
  });
});
