import { writeFileSync } from "node:fs";
import sharp from "sharp";
import { materialCase, eventKit } from "./src/features/materials/fixtures.ts";
import * as D from "./src/features/materials/documents.ts";
const photo = new Uint8Array(await sharp({ create: { width: 800, height: 600, channels: 3, background: "#3a6" } }).webp().toBuffer());
for (const lang of process.argv.slice(2)) {
  const c = materialCase(lang, photo);
  let t = Date.now();
  writeFileSync(`/tmp/wt-materials-x/sheet-${lang}.pdf`, await D.renderCaseSheet(c, "a4")); console.log(lang, "sheet", Date.now() - t); t = Date.now();
  writeFileSync(`/tmp/wt-materials-x/letters-${lang}.pdf`, await D.renderAppealLetters(c, "a4", new Date())); console.log("letters", Date.now() - t); t = Date.now();
  writeFileSync(`/tmp/wt-materials-x/cards-${lang}.pdf`, await D.renderSolidarityCards(c, "a4")); console.log("cards", Date.now() - t); t = Date.now();
  writeFileSync(`/tmp/wt-materials-x/poster-${lang}.pdf`, await D.renderPoster(c, "a3")); console.log("poster", Date.now() - t); t = Date.now();
  writeFileSync(`/tmp/wt-materials-x/kit-${lang}.pdf`, await D.renderEventKit(eventKit(lang), "a4")); console.log("kit", Date.now() - t);
}
