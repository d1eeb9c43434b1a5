import { escapeText } from "./escape.js";
import { bucketOf, bucketRanges, isCount, makeScale } from "./scale.js";
import { getWorld, type World } from "./world.js";

export interface WorldMapOptions {
  /** Accessible name of the map. */
  title: string;
  /** Localized country name for an ISO 3166-1 alpha-2 code. */
  labelFor(code: string): string;
  formatNumber(n: number): string;
  /** Heading of the legend, e.g. "Actions per country". */
  legendLabel: string;
  /** Legend entry and tooltip for countries with no actions yet. */
  noActionsLabel: string;
  /** Lays the legend out right to left (Arabic). */
  rtl?: boolean;
  /**
   * The shapes as a linked image (images.ts's address for these counts) instead of inline
   * paths: the public pages' way. The legend and the map's name stay in the page; the countries'
   * own names and numbers are then in the table beside the map, not in tooltips.
   */
  image?: string;
}

// The map's colours and strokes are rules of a stylesheet both layouts link (.wmap and its
// bucket classes .m0–.m5 in assets/map.css), not a <style> in the SVG: the pages'
// Content-Security-Policy allows no inline style.

const MARKER_RADIUS = 5;
// Legend units are viewBox units: at 26 units the text is 20 px on a 780 px wide column and about
// 9 px on a 360 px phone; the table under the map is the readable alternative there.
const LEGEND = { top: 46, row: 44, columns: 3, swatch: 28, gap: 12 };

export function renderWorldMap(
  counts: Record<string, number>,
  options: WorldMapOptions,
  world: World = getWorld(),
): string {
  // Only codes that the map knows are read: anything else in `counts` is ignored by construction.
  const countOf = (code: string) => (Object.hasOwn(counts, code) ? counts[code] : undefined);
  const scale = makeScale(world.countries.map((c) => countOf(c.code)).filter(isCount));
  const f = options.formatNumber;
  const parts: string[] = [];
  const markers: string[] = [];

  if (options.image) {
    parts.push(
      `<image href="${escapeText(options.image)}" x="0" y="0" width="${world.width}" height="${world.height}"/>`,
    );
  } else parts.push(`<path class="m0" d="${world.neutral}"/>`);
  for (const country of options.image ? [] : world.countries) {
    const n = countOf(country.code);
    const bucket = bucketOf(scale, n);
    const label = `${options.labelFor(country.code)}: ${isCount(n) ? f(n) : options.noActionsLabel}`;
    const title = `<title>${escapeText(label)}</title>`;
    parts.push(`<path class="m${bucket}" d="${country.d}">${title}</path>`);
    if (country.marker && bucket > 0) {
      const [x, y] = country.marker;
      markers.push(`<circle class="m${bucket}" cx="${x}" cy="${y}" r="${MARKER_RADIUS}">${title}</circle>`);
    }
  }

  const entries: Array<[string, number]> = [[options.noActionsLabel, 0]];
  if (scale) {
    bucketRanges(scale).forEach(([from, to], i) => {
      entries.push([from === to ? f(from) : `${f(from)}–${f(to)}`, i + 1]);
    });
  }
  const legendTop = world.height + LEGEND.top;
  const rows = Math.ceil(entries.length / LEGEND.columns);
  const height = legendTop + rows * LEGEND.row + LEGEND.gap;
  const legend = legendMarkup(entries, options, world.width, legendTop);

  const name = escapeText(options.title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="wmap" viewBox="0 0 ${world.width} ${height}" ` +
    `role="img" aria-label="${name}"><title>${name}</title>` +
    `${parts.join("")}${markers.join("")}${legend}</svg>`
  );
}

function legendMarkup(
  entries: Array<[string, number]>,
  options: WorldMapOptions,
  width: number,
  top: number,
): string {
  const { row, columns, swatch, gap } = LEGEND;
  const columnWidth = width / columns;
  const rtl = options.rtl === true;
  // In right-to-left text "start" is the right end, so one anchor serves both directions.
  const dir = rtl ? ' direction="rtl"' : "";
  const heading = `<text x="${rtl ? width - gap : gap}" y="${top - 12}" font-weight="bold"${dir}>${escapeText(options.legendLabel)}</text>`;
  const items = entries.map(([label, bucket], i) => {
    const column = i % columns;
    const y = top + Math.floor(i / columns) * row;
    const left = rtl ? width - (column + 1) * columnWidth : column * columnWidth;
    const swatchX = rtl ? left + columnWidth - gap - swatch : left + gap;
    const textX = rtl ? swatchX - gap : swatchX + swatch + gap;
    return (
      `<rect class="m${bucket}" x="${swatchX}" y="${y}" width="${swatch}" height="${swatch}"/>` +
      `<text x="${textX}" y="${y + swatch - 5}"${dir}>${escapeText(label)}</text>`
    );
  });
  return `<g>${heading}${items.join("")}</g>`;
}
