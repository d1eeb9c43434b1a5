import assert from "node:assert/strict";
import axe from "axe-core";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { listen, startTestApp, type TestApp } from "./app.js";

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

/** One axe-core finding, reduced to what a failing test needs to say. */
export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: { target: string; summary: string | undefined }[];
}

/**
 * Runs axe-core in the page against WCAG 2.1 A and AA; returns the violations. axe is evaluated
 * through the DevTools protocol, which the pages' Content-Security-Policy does not govern (an
 * inline <script> would be refused), so pages are checked under the policy they really have.
 */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  });
}

/** Fails with the findings when axe-core reports any violation on the page. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 2)}`);
}

/** Runs `fn` with a page in a fresh context (its own cookies), closed afterwards. */
export async function withPage(
  browser: Browser,
  fn: (page: Page, context: BrowserContext) => Promise<void>,
  options: BrowserContextOptions = {},
): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

/**
 * A test node listening on loopback and a browser to visit it: what most browser tests start
 * with. `close` ends both.
 */
export async function startBrowserApp(env: Record<string, string> = {}): Promise<{
  t: TestApp;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}> {
  const t = await startTestApp(env);
  const base = await listen(t);
  const { browser, close } = await launchBrowser();
  return {
    t,
    base,
    browser,
    close: async () => {
      await close();
      await t.close();
    },
  };
}
