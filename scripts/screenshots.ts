// Takes the README's screenshots from a running server, at phone and desktop widths:
//   node --import tsx scripts/screenshots.ts http://127.0.0.1:3000
// With OFFICE_EMAIL and OFFICE_PASSWORD (an admin, e.g. from data/demo-logins.txt) it also takes
// the back office's.
import path from "node:path";
import { launchBrowser } from "../test/support/browser.js";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = path.resolve("docs/screenshots");
const pages = [
  ["home", "/en/"],
  ["case", "/en/cases/coastei-street"],
  ["home-ar", "/ar/"],
  ["events", "/en/events"],
];
const officePages = [
  ["office-dashboard", "/office"],
  ["office-report", "/office/reports/new"],
  ["office-translation", "/office/translations/2/es"],
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
  const email = process.env.OFFICE_EMAIL;
  if (email) {
    for (const [label, width, height] of widths) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      await page.goto(`${base}/office/login`);
      await page.fill("#f-email", email);
      await page.fill("#f-password", process.env.OFFICE_PASSWORD ?? "");
      await Promise.all([
        page.waitForURL(`${base}/office`),
        page.click("button[type=submit]:text('Log in')"),
      ]);
      for (const [name, url] of officePages) {
        await page.goto(`${base}${url}`, { waitUntil: "networkidle" }).catch(() => {});
        await page.screenshot({ path: path.join(out, `${name}-${label}.png`), fullPage: label === "phone" });
      }
      await context.close();
    }
  }
} finally {
  await close();
}
