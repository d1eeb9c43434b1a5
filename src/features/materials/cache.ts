import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";

// Rendered materials, kept in memory per (material, case, language, paper) and named by the
// content version they were made from: a PDF is made again only when what it shows changed.
// Requests that find one being made wait for that one (single flight), and a failure is not
// kept. Bounded by bytes (lru-cache): cases × languages × papers × 5 materials is a few hundred
// PDFs of 20–300 KB for an edition.

export const MATERIAL_CACHE_BYTES = 64 * 1024 * 1024;

export interface CachedPdf {
  pdf: Buffer;
  etag: string;
}

interface Entry {
  version: string;
  pdf: Promise<CachedPdf>;
  /** Known once made; until then the entry counts as small. */
  bytes: number;
}

export class MaterialCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxBytes = MATERIAL_CACHE_BYTES) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The PDF for `key` at `version`, made by `make` when there is none for that version. */
  get(key: string, version: string, make: () => Promise<Uint8Array>): Promise<CachedPdf> {
    const found = this.entries.get(key);
    if (found && found.version === version) return found.pdf;
    const entry: Entry = { version, bytes: 1, pdf: Promise.resolve() as unknown as Promise<CachedPdf> };
    entry.pdf = make().then((bytes) => {
      const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // Set again with its real size (a new object: lru-cache sizes a value when it changes),
      // if it is still the current entry for its key.
      const current = this.entries.peek(key);
      if (current?.pdf === entry.pdf) this.entries.set(key, { ...current, bytes: pdf.length });
      return { pdf, etag: `"${createHash("sha256").update(pdf).digest("base64url").slice(0, 27)}"` };
    });
    this.entries.set(key, entry);
    entry.pdf.catch(() => {
      if (this.entries.peek(key)?.pdf === entry.pdf) this.entries.delete(key);
    });
    return entry.pdf;
  }
}
