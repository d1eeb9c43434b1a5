// Takes the README's screenshots from a running server, at phone and desktop widths:
//   node --import tsx scripts/screenshots.ts http://127.0.0.1:3000
import path from "node:path";
import { launchBrowser } from "../test/support/browser.js";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = path.resolve("docs/screenshots");
const pages = [
  ["home", "/en/"],
  ["case", "/en/cases/coastei-street"],
  ["home-ar", "/ar/"],
];
const widths = [
  ["phone", 390, 844],
  ["desktop", 1280, 900],
] as const;

const { browser, close } = await launchBrowser();
try {
  for (const [name, url] of pages) {
    for (const [label, width, height] of widths) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${base}${url}`, { waitUntil: "networkidle" }).catch(() => {});
      await page.screenshot({ path: path.join(out, `${name}-${label}.png`), fullPage: label === "phone" });
      await page.close();
    }
  }
} finally {
  await close();
}
