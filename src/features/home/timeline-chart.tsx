import type { Series } from "../../core/counter/timeline.js";
import type { Messages } from "../../platform/i18n/messages.js";

// This edition's cumulative count against the previous edition's, day by day, as a small
// server-rendered SVG: readable without scripts, a few hundred bytes.

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 10, right: 10, bottom: 24, left: 10 };

function points(series: Series, days: number, max: number): string {
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  return series.points
    .map((p) => {
      const x = PAD.left + (days <= 1 ? 0 : (p.offset / (days - 1)) * w);
      const y = PAD.top + h - (max === 0 ? 0 : (p.cumulative / max) * h);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

export function TimelineChart(props: { m: Messages; current: Series; previous: Series | null }) {
  const { m, current, previous } = props;
  const days = Math.max(current.points.length, previous?.points.length ?? 0, 2);
  const lastOf = (s: Series | null) => s?.points[s.points.length - 1]?.cumulative ?? 0;
  const max = Math.max(lastOf(current), lastOf(previous), 1);
  const summary = `${m.t("timeline.current")}: ${m.number(lastOf(current))}. ${
    previous ? `${m.t("timeline.previous")}: ${m.number(lastOf(previous))}.` : ""
  }`;
  return (
    <figure class="timeline">
      <figcaption>{m.t("timeline.title")}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} class="chart">
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={HEIGHT - PAD.bottom}
          y2={HEIGHT - PAD.bottom}
          class="axis"
        />
        {previous ? <polyline points={points(previous, days, max)} class="previous" /> : null}
        <polyline points={points(current, days, max)} class="current" />
      </svg>
      <ul class="legend">
        <li class="current">{m.t("timeline.current")}</li>
        {previous ? <li class="previous">{m.t("timeline.previous")}</li> : null}
      </ul>
    </figure>
  );
}
