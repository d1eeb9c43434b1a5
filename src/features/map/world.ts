import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { geoEqualEarth, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry, Polygon } from "geojson";
import countries from "i18n-iso-countries";
import { feature } from "topojson-client";
import { presimplify, simplify, sphericalTriangleArea } from "topojson-simplify";
import type { GeometryCollection, Topology } from "topojson-specification";
import { CompactPath } from "./svgpath.js";

// The map is drawn once per process into a 1000-unit-wide viewBox; every count rendering reuses
// these strings, so the geometry work (about a second: the 50m atlas has 80,000 points) is paid at
// first use only. A server can call getWorld() at start to spare its first visitor the wait.

export const MAP_WIDTH = 1000;

/**
 * Drawing knobs, in squared viewBox units (1 unit ≈ 1 px on a 1000 px wide map, ≈ 0.36 px on a
 * phone). Because Equal Earth preserves area, one threshold means the same on every continent.
 */
export interface WorldOptions {
  /** Points whose Visvalingam triangle is smaller than this are dropped (topojson-simplify). */
  simplifyArea: number;
  /** Islands smaller than this are left out, except a country's largest piece. */
  minIslandArea: number;
  /** Countries smaller than this in total get a marker circle, or they could not be seen. */
  markerArea: number;
  /** Decimals kept in path coordinates. */
  digits: number;
}

// Chosen by measuring (see map.test.ts for the budget): whole units and 0.2 unit² simplification
// keep coastlines smooth up to about twice the 1000 px size, at a third of the bytes of 0.1-unit
// coordinates. 12 unit² is about Jamaica or Qatar: 1–2 px on a phone.
export const DEFAULT_WORLD_OPTIONS: WorldOptions = {
  simplifyArea: 0.2,
  minIslandArea: 1,
  markerArea: 12,
  digits: 0,
};

export interface CountryShape {
  /** ISO 3166-1 alpha-2. */
  code: string;
  d: string;
  /** Where a small country's circle goes (the centroid of its largest piece). */
  marker?: [number, number];
}

export interface World extends WorldData {
  width: number;
  height: number;
  countries: CountryShape[];
  byCode: Map<string, CountryShape>;
  /** Land with no usable alpha-2 code (disputed areas such as N. Cyprus or Somaliland): never coloured. */
  neutral: string;
  /** Where a point (longitude, latitude in degrees) lies in the viewBox, for markers such as events. */
  project(longitude: number, latitude: number): [number, number] | null;
}

// Features the atlas leaves without a numeric id but whose code the ledger accepts
// (i18n-iso-countries knows the user-assigned XK for Kosovo).
const CODE_BY_NAME: Record<string, string> = { Kosovo: "XK" };

// Nobody reports actions from Antarctica, and leaving it out gives the inhabited world more height.
const LEFT_OUT = new Set(["AQ"]);

function loadTopology(): Topology<{ countries: GeometryCollection<{ name: string }> }> {
  const file = fileURLToPath(import.meta.resolve("world-atlas/countries-50m.json"));
  // A dataset file of known shape (world-atlas 2.x), not user input.
  return JSON.parse(readFileSync(file, "utf8")) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
}

function codeOf(f: Feature<Geometry | null, { name: string } | null>): string | null {
  if (f.id !== undefined) return countries.numericToAlpha2(String(f.id)) ?? null;
  return CODE_BY_NAME[f.properties?.name ?? ""] ?? null;
}

function polygonsOf(g: Geometry | null): Polygon[] {
  if (g?.type === "Polygon") return [g];
  if (g?.type === "MultiPolygon") {
    return g.coordinates.map((coordinates) => ({ type: "Polygon", coordinates }));
  }
  return [];
}

export function buildWorld(options: WorldOptions = DEFAULT_WORLD_OPTIONS): World {
  const topology = loadTopology();
  const all = feature(topology, topology.objects.countries).features.filter(
    (f) => !LEFT_OUT.has(codeOf(f) ?? ""),
  );

  // Equal Earth: equal-area, so no country looks more important for lying far north, yet with
  // familiar shapes. Central meridian 11°E puts its cut through the Bering Strait (169°W), so
  // Russia and Fiji are not split across the two edges.
  const projection = geoEqualEarth().rotate([-11, 0]);
  const world: FeatureCollection = { type: "FeatureCollection", features: all };
  projection.fitWidth(MAP_WIDTH, world);
  const path = geoPath(projection);
  const context = new CompactPath(options.digits);
  const draw = geoPath(projection, context);

  // Simplifying the topology (not each country) keeps shared borders shared: no gaps, no overlaps.
  // With an equal-area projection a spherical triangle area converts exactly to viewBox units.
  const steradiansPerUnit = (4 * Math.PI) / path.area({ type: "Sphere" });
  const simplified = simplify(
    presimplify(topology, sphericalTriangleArea),
    options.simplifyArea * steradiansPerUnit,
  );

  // Sizes and centroids come from the full-detail shapes: simplification can flatten a micro-state.
  const areaByCode = new Map<string, number>();
  const largestByCode = new Map<string, { p: Polygon; area: number }>();
  for (const f of all) {
    const code = codeOf(f);
    if (code === null) continue;
    for (const p of polygonsOf(f.geometry)) {
      const area = path.area(p);
      areaByCode.set(code, (areaByCode.get(code) ?? 0) + area);
      if (area > (largestByCode.get(code)?.area ?? -1)) largestByCode.set(code, { p, area });
    }
  }

  const byCode = new Map<string, CountryShape>();
  let neutral = "";
  for (const f of feature(simplified, simplified.objects.countries).features) {
    const code = codeOf(f);
    if (code !== null && LEFT_OUT.has(code)) continue;
    const pieces = polygonsOf(f.geometry)
      .map((p) => ({ p, area: path.area(p) }))
      .sort((a, b) => b.area - a.area);
    const kept = pieces.filter((x, i) => i === 0 || x.area >= options.minIslandArea);
    for (const x of kept) draw(x.p);
    const d = context.take();
    if (code === null) {
      neutral += d;
      continue;
    }
    // A code can own several features (Australia and its Ashmore and Cartier Islands): one path.
    const shape = byCode.get(code) ?? { code, d: "" };
    shape.d += d;
    byCode.set(code, shape);
  }
  for (const [code, shape] of byCode) {
    const largest = largestByCode.get(code);
    if (largest && (areaByCode.get(code) ?? 0) < options.markerArea) {
      const [x, y] = path.centroid(largest.p);
      shape.marker = [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
    }
  }

  const [, [, bottom]] = path.bounds(world);
  return worldFromData({
    width: MAP_WIDTH,
    height: Math.ceil(bottom),
    countries: [...byCode.values()],
    neutral,
    scale: projection.scale(),
    translate: projection.translate(),
  });
}

/** A world as plain data, which a worker thread can build and send (World holds functions). */
export interface WorldData {
  width: number;
  height: number;
  countries: CountryShape[];
  neutral: string;
  /** The fitted projection's parameters: enough to project points the same way again. */
  scale: number;
  translate: [number, number];
}

export function worldFromData(data: WorldData): World {
  const projection = geoEqualEarth().rotate([-11, 0]).scale(data.scale).translate(data.translate);
  return {
    width: data.width,
    height: data.height,
    countries: data.countries,
    byCode: new Map(data.countries.map((c) => [c.code, c])),
    neutral: data.neutral,
    scale: data.scale,
    translate: data.translate,
    project: (longitude, latitude) => {
      const point = projection([longitude, latitude]);
      return point ? [Math.round(point[0] * 10) / 10, Math.round(point[1] * 10) / 10] : null;
    },
  };
}

let cached: World | undefined;

/** The default world, built at first use and kept for the life of the process. */
export function getWorld(): World {
  cached ??= buildWorld();
  return cached;
}

/** Keeps a world built elsewhere (a worker thread) as the default, unless one was built here meanwhile. */
export function adoptWorld(data: WorldData): void {
  cached ??= worldFromData(data);
}
