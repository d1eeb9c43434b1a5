import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  BUCKET_FILLS,
  bucketDigits,
  geometryVersion,
  landImagePath,
  renderLandImage,
  renderWorldImage,
  worldImagePath,
} from "./images.js";
import { renderWorldMap } from "./render.js";
import { getWorld } from "./world.js";

const world = getWorld();
const counts = { FR: 12, DE: 3400, BR: 50_000, SG: 700, MX: 1 };
const options = {
  title: "Actions per country",
  labelFor: (c: string) => c,
  formatNumber: (n: number) => String(n),
  legendLabel: "Actions",
  noActionsLabel: "none",
};

test("the image's colours are assets/map.css's defaults, bucket for bucket", () => {
  const css = readFileSync(new URL("../../platform/views/assets/map.css", import.meta.url), "utf8");
  BUCKET_FILLS.forEach((fill, bucket) => {
    const rule = new RegExp(`\\.wmap \\.m${bucket} \\{\\s*fill: var\\(--map-${bucket}, (#[0-9a-f]+)\\)`);
    assert.equal(rule.exec(css)?.[1], fill, `bucket ${bucket}`);
  });
});

test("each country gets the colour the office's inline map gives it", () => {
  const digits = bucketDigits(counts, world);
  assert.equal(digits.length, world.countries.length);
  const inline = renderWorldMap(counts, options, world);
  world.countries.forEach((country, i) => {
    assert.ok(inline.includes(`<path class="m${digits[i]}" d="${country.d}">`), country.code);
  });
  assert.notEqual(digits[world.countries.findIndex((c) => c.code === "BR")], "0");
  assert.equal(digits[world.countries.findIndex((c) => c.code === "IT")], "0");
});

test("the world image draws every country in its bucket's colour, and refuses digits that do not fit", () => {
  const digits = bucketDigits(counts, world);
  const svg = renderWorldImage(digits, world);
  assert.ok(svg?.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.equal(svg?.match(/<path d=/g)?.length, world.countries.length);
  const brazil = world.countries.find((c) => c.code === "BR");
  const bucket = Number(digits[world.countries.findIndex((c) => c.code === "BR")]);
  const group = new RegExp(`<g fill="${BUCKET_FILLS[bucket]}">[^]*?</g>`).exec(svg ?? "")?.[0] ?? "";
  assert.ok(group.includes(`d="${brazil?.d}"`), "Brazil is in its colour's group");
  assert.equal(renderWorldImage(digits.slice(1), world), undefined, "one digit short");
  assert.equal(renderWorldImage(`${digits.slice(1)}9`, world), undefined, "no bucket 9");
  assert.equal(renderWorldImage(`${digits.slice(1)}"`, world), undefined, "no markup");
});

test("the addresses name the shapes' version and the colours; the page's map links them", () => {
  const version = geometryVersion(world);
  assert.match(version, /^[0-9a-f]{12}$/);
  assert.equal(worldImagePath(counts, world), `/map/world-${version}.svg?b=${bucketDigits(counts, world)}`);
  assert.equal(landImagePath(world), `/map/land-${version}.svg`);
  assert.ok(renderLandImage(world).includes(world.countries[0]?.d ?? "?"));
  const linked = renderWorldMap(counts, { ...options, image: worldImagePath(counts, world) }, world);
  assert.ok(linked.includes(`<image href="/map/world-${version}.svg?b=`));
  assert.ok(!linked.includes(world.countries[0]?.d ?? "?"), "no shapes inline");
  assert.ok(linked.includes(">Actions</text>"), "the legend stays in the page");
  assert.ok(linked.length < 3000, `${linked.length} characters`);
});
