import { getWorld, landImagePath } from "../../map/index.js";

// The events map: the home page's world (same projection and shapes, one neutral colour) with a
// dot for each event that has coordinates. Each dot is a link named after its event, so it can be
// reached by keyboard; the list beside the map says everything the map says, and more.

export interface MapPoint {
  href: string;
  /** The accessible name of the dot: title, date and place. */
  label: string;
  latitude: number;
  longitude: number;
}

// The dots' colours are in assets/map.css (.emap): the page's Content-Security-Policy allows no
// inline style. The land is an image the browser keeps for a year (map/images.ts): it is most
// of the map's bytes and the same on every page.

export function EventsMap(props: { title: string; points: MapPoint[] }) {
  const world = getWorld();
  const dots = props.points.flatMap((p) => {
    const xy = world.project(p.longitude, p.latitude);
    return xy ? [{ ...p, x: xy[0], y: xy[1] }] : [];
  });
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class="emap"
      viewBox={`0 0 ${world.width} ${world.height}`}
      aria-label={props.title}
    >
      <image href={landImagePath(world)} x="0" y="0" width={world.width} height={world.height} />
      {dots.map((d) => (
        <a href={d.href} aria-label={d.label}>
          <title>{d.label}</title>
          <circle cx={d.x} cy={d.y} r={7} />
        </a>
      ))}
    </svg>
  );
}
