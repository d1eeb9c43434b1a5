import { createHash } from "node:crypto";
import { BUCKETS, bucketOf, isCount, makeScale } from "./scale.js";
import { getWorld, type World } from "./world.js";

// The public pages' maps as images of their own. The shapes are most of a map's bytes (about
// 16 KB of the home page's 22 KB, brotli) and they change only with the colours of the
// countries, which move far more rarely than the numbers: a country changes colour when its
// count crosses a bucket's bound. So a page links its map, and the map's address says all it
// shows — the geometry's version and one bucket digit per country — so any node draws the
// same bytes for it, browsers and CDNs keep it for a year, and a page that changes every
// second stays small. Both layouts' pages put the legend and the words beside the image.
//
// An SVG shown as an image loads nothing and runs nothing, and no stylesheet of the page
// reaches it: its colours are presentation attributes, the same as the `.wmap`/`.emap` rules of
// assets/map.css that the office's inline map uses (a test keeps the two equal).

/** The colours of assets/map.css's defaults, light to dark; index 0 is "no actions yet". */
export const BUCKET_FILLS = ["#d9d9d9", "#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"] as const;
export const EDGE = "#fff";
export const INK = "#1a1a1a";
const MARKER_RADIUS = 5;

const versions = new WeakMap<World, string>();
/** A short hash of the shapes: a new dataset or projection is a new address. */
export function geometryVersion(world: World = getWorld()): string {
  let version = versions.get(world);
  if (!version) {
    const hash = createHash("sha256").update(`${world.width}x${world.height}|${world.neutral}`);
    for (const c of world.countries) hash.update(`|${c.code}:${c.d}:${c.marker?.join(",") ?? ""}`);
    version = hash.digest("hex").slice(0, 12);
    versions.set(world, version);
  }
  return version;
}

/** One digit per country of the world, in the world's order: the colour each one gets. */
export function bucketDigits(counts: Record<string, number>, world: World = getWorld()): string {
  const countOf = (code: string) => (Object.hasOwn(counts, code) ? counts[code] : undefined);
  const scale = makeScale(world.countries.map((c) => countOf(c.code)).filter(isCount));
  return world.countries.map((c) => String(bucketOf(scale, countOf(c.code)))).join("");
}

/** The address of the coloured world for these counts. */
export function worldImagePath(counts: Record<string, number>, world: World = getWorld()): string {
  return `/map/world-${geometryVersion(world)}.svg?b=${bucketDigits(counts, world)}`;
}

/** The address of the uncoloured land (the events map's background). */
export function landImagePath(world: World = getWorld()): string {
  return `/map/land-${geometryVersion(world)}.svg`;
}

const open = (world: World) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${world.width} ${world.height}" ` +
  `width="${world.width}" height="${world.height}">`;

/** The coloured world for a bucket digit string, or undefined when the digits do not fit it. */
export function renderWorldImage(digits: string, world: World = getWorld()): string | undefined {
  if (digits.length !== world.countries.length || !new RegExp(`^[0-${BUCKETS}]*$`).test(digits)) {
    return undefined;
  }
  const edge = `stroke="${EDGE}" stroke-width="0.4" stroke-linejoin="round"`;
  // One group per colour: each path then carries only its shape.
  const groups: string[][] = BUCKET_FILLS.map(() => []);
  const markers: string[] = [];
  world.countries.forEach((country, i) => {
    const bucket = Number(digits[i]);
    groups[bucket]?.push(`<path d="${country.d}"/>`);
    if (country.marker && bucket > 0) {
      const [x, y] = country.marker;
      markers.push(`<circle fill="${BUCKET_FILLS[bucket]}" cx="${x}" cy="${y}" r="${MARKER_RADIUS}"/>`);
    }
  });
  const land = groups
    .map((paths, bucket) => (paths.length ? `<g fill="${BUCKET_FILLS[bucket]}">${paths.join("")}</g>` : ""))
    .join("");
  return (
    `${open(world)}<g ${edge}><path fill="${BUCKET_FILLS[0]}" d="${world.neutral}"/>${land}</g>` +
    `<g stroke="${INK}" stroke-width="1.2">${markers.join("")}</g></svg>`
  );
}

/** All land in one colour, for maps that colour no country. */
export function renderLandImage(world: World = getWorld()): string {
  const d = world.neutral + world.countries.map((c) => c.d).join("");
  return (
    `${open(world)}<path fill="${BUCKET_FILLS[0]}" stroke="${EDGE}" stroke-width="0.4" ` +
    `stroke-linejoin="round" d="${d}"/></svg>`
  );
}
