import { readFileSync, writeFileSync } from "node:fs";
import * as mupdf from "mupdf";
for (const name of process.argv.slice(2)) {
  const doc = mupdf.Document.openDocument(readFileSync(`/tmp/wt-materials-x/${name}.pdf`), "application/pdf");
  console.log(name, doc.countPages());
  for (let i = 0; i < doc.countPages(); i++) {
    const pix = doc.loadPage(i).toPixmap(mupdf.Matrix.scale(0.9, 0.9), mupdf.ColorSpace.DeviceRGB, false);
    writeFileSync(`/tmp/wt-materials-x/${name}-${i}.png`, pix.asPNG());
    console.log(doc.loadPage(i).toStructuredText("").asText().slice(0, 3000));
  }
}
