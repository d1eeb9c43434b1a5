import { createHash } from "node:crypto";

// Share images, kept in memory per (campaign, case, language). An image is made again when what
// it shows changes (the catalog's version: case texts, photos, translations) and, for the count,
// at most every COUNT_REFRESH_MS: a share image is a snapshot, and crawlers keep their own copy
// for days anyway. Requests that find an image being made wait for that one (no stampede).

/** How often the count in a share image may move: at most every 10 minutes. */
export const COUNT_REFRESH_MS = 10 * 60_000;
/** Keys are cases × languages, so this only bounds a catalog that keeps growing. */
const MAX_ENTRIES = 500;

export interface ShareImage {
  png: Buffer;
  etag: string;
}

interface Entry {
  version: string;
  count: number;
  madeAt: number;
  image: Promise<ShareImage>;
}

export class ShareImageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.entries.size;
  }

  /** The image for `key`, made by `make` when there is none, its content changed or its count is stale. */
  get(key: string, version: string, count: number, make: () => Promise<Buffer>): Promise<ShareImage> {
    const entry = this.entries.get(key);
    const now = this.now();
    const fresh =
      entry && entry.version === version && (entry.count === count || now - entry.madeAt < COUNT_REFRESH_MS);
    if (entry && fresh) return entry.image;
    const image = make().then((png) => ({
      png,
      etag: `"${createHash("sha256").update(png).digest("base64url").slice(0, 27)}"`,
    }));
    this.entries.delete(key);
    this.entries.set(key, { version, count, madeAt: now, image });
    // A failure is not kept: the next request tries again.
    image.catch(() => {
      if (this.entries.get(key)?.image === image) this.entries.delete(key);
    });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return image;
  }
}
