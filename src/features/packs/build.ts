import { LRUCache } from "lru-cache";
import type pg from "pg";
import { ZipFile } from "yazl";
import { type MaterialCase, materialPhoto, REPORT_PATH } from "../materials/index.js";
import { indexHtml } from "./index-page.js";
import { entryName, type PackPlan } from "./manifest.js";
import { render } from "./render.js";

// A pack's ZIP: every material of every case in the plan on the pack's paper (US Letter for the
// sections in countries that use it, A4 for the others), the event kit, and index.html saying what is in it. Documents are rendered on the render
// thread (render.ts), one at a time, so public pages keep being answered during a launch; and a
// document several packs share (two sections featuring one case in one language) is rendered
// once per node, from a memory bounded by bytes.

const rendered = new LRUCache<string, Uint8Array>({
  maxSize: 96 * 1024 * 1024,
  sizeCalculation: (pdf) => Math.max(1, pdf.byteLength),
});

const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function memo(key: string, make: () => Promise<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
  const found = rendered.get(key);
  if (found) return found;
  await breathe();
  signal?.throwIfAborted();
  const pdf = await make();
  rendered.set(key, pdf);
  return pdf;
}

function zipOf(
  entries: { name: string; bytes: Uint8Array; compress: boolean }[],
  mtime: Date,
): Promise<Buffer> {
  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
  // PDFs are compressed already: stored as they are.
  for (const entry of entries)
    zip.addBuffer(Buffer.from(entry.bytes), entry.name, { compress: entry.compress, mtime });
  zip.end();
  return done;
}

/** Renders the plan's materials and writes them, with the index, into one ZIP. */
export async function buildPack(
  db: pg.Pool,
  plan: PackPlan,
  publicUrl: string,
  now = new Date(),
  signal?: AbortSignal,
): Promise<Buffer> {
  const { manifest } = plan;
  const day = now.toISOString().slice(0, 10);
  const entries: { name: string; bytes: Uint8Array; compress: boolean }[] = [];
  for (const c of manifest.cases) {
    const found = plan.materials.get(c.slug);
    if (!found) continue;
    let withPhoto: MaterialCase | undefined;
    for (const material of c.materials) {
      // Letters carry the day's date.
      const key = `${material}|${c.digest}|${c.photo}|${manifest.language}|${manifest.paper}|${material === "letters" ? day : ""}`;
      const pdf = await memo(
        key,
        async () => {
          withPhoto ??= { ...found.material, photo: await materialPhoto(db, found.detail) };
          return render({ kind: material, material: withPhoto, now, paper: manifest.paper });
        },
        signal,
      );
      entries.push({ name: entryName(c.slug, material, manifest.language), bytes: pdf, compress: false });
    }
  }
  const kit = await memo(
    `event-kit|${manifest.campaign}|${manifest.kit.digest}|${manifest.language}|${manifest.paper}`,
    () =>
      render({
        kind: "event-kit",
        kit: {
          campaignTitle: plan.campaign.title,
          language: manifest.language,
          text: plan.kit.text,
          textLanguage: plan.kit.language,
          reportUrl: `${publicUrl.replace(/\/+$/, "")}${REPORT_PATH}`,
        },
        paper: manifest.paper,
      }),
    signal,
  );
  entries.push({ name: entryName("", "event-kit", manifest.language), bytes: kit, compress: false });
  const index = indexHtml(plan, now);
  entries.unshift({ name: "index.html", bytes: Buffer.from(index, "utf8"), compress: true });
  return zipOf(entries, now);
}
