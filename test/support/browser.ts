import { type Browser, chromium } from "playwright-core";

// Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
// Playwright gives every launch a fresh, empty profile directory of its own.
export const CHROMIUM = "/usr/bin/chromium";

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { browser, close: () => browser.close() };
}
