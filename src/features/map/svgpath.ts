// A d3-geo path context that writes compact SVG path data. d3's own string output repeats
// absolute coordinates ("L512.3,204.7"); on a map whose points sit a few units apart, relative
// moves with the separators SVG lets us drop ("l1.2-.5.3.4") make the map about half as big
// before compression and noticeably smaller after it. Points are rounded before the deltas are
// taken, so rounding never drifts along a coastline, and points that round together are dropped.

export class CompactPath {
  private out = "";
  private x = 0;
  private y = 0;
  private last = "";
  private readonly scale: number;

  constructor(digits: number) {
    this.scale = 10 ** digits;
  }

  moveTo(x: number, y: number): void {
    this.x = Math.round(x * this.scale);
    this.y = Math.round(y * this.scale);
    this.out += "M";
    this.last = "";
    this.number(this.x);
    this.number(this.y);
    this.last = "";
    this.out += "l";
  }

  lineTo(x: number, y: number): void {
    const nx = Math.round(x * this.scale);
    const ny = Math.round(y * this.scale);
    if (nx === this.x && ny === this.y) return;
    this.number(nx - this.x);
    this.number(ny - this.y);
    this.x = nx;
    this.y = ny;
  }

  closePath(): void {
    // "l" with no pairs after it would be an error in strict parsers; the ring is then a point.
    if (this.out.endsWith("l")) this.out = this.out.slice(0, -1);
    this.out += "z";
    this.last = "";
  }

  // The rest of d3's GeoContext: arc() is called only for Point geometries, which country
  // polygons never contain, and a path has nothing to begin.
  arc(): void {}
  beginPath(): void {}

  /** Returns the path data written since the last call and starts afresh. */
  take(): string {
    const d = this.out;
    this.out = "";
    this.last = "";
    return d;
  }

  private number(scaled: number): void {
    let s = String(scaled / this.scale);
    if (s.startsWith("0.")) s = s.slice(1);
    else if (s.startsWith("-0.")) s = `-${s.slice(2)}`;
    // A separator is needed only where the parser could not tell where one number ends.
    const needsSpace =
      this.last !== "" && !s.startsWith("-") && !(s.startsWith(".") && this.last.includes("."));
    this.out += needsSpace ? ` ${s}` : s;
    this.last = s;
  }
}
