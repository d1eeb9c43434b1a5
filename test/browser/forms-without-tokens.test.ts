import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import type { Browser, Page, Route } from "playwright-core";
import { listen, startTestApp, type TestApp } from "../support/app.js";
import { launchBrowser, withPage } from "../support/browser.js";

// The case page's forms in Chromium, with scripts on and off, now that the page holds no token
// and no key: a post from the page counts once, also when it is sent twice; a post from another
// site's page (another address: cross-site; another port: same-site) is refused and counts
// nothing. Counts are read from the ledger and from the counter, which must agree.

let t: TestApp;
let base: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;
const others: Server[] = [];
let crossSite: string;
let sameSite: string;

/** Another site's page with a form aimed at the case page: sent by a click, or on load by script. */
function attackerPage(target: string): string {
  return `<!doctype html><html><head><title>Win a prize</title></head><body>
    <form id="forged" method="post" action="${target}">
      <input type="hidden" name="name" value="Forged">
      <input type="hidden" name="country" value="FR">
      <input type="hidden" name="message" value="Sent by another site">
      <button type="submit">Claim your prize</button>
    </form>
    <script>if (location.hash === "#auto") document.getElementById("forged").submit();</script>
  </body></html>`;
}

async function serveAttacker(address: string): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(attackerPage(`${base}/en/cases/coastei-street/solidarity`));
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  others.push(server);
  return `http://${address}:${(server.address() as { port: number }).port}/`;
}

before(async () => {
  t = await startTestApp();
  base = await listen(t);
  // 127.0.0.2 is another site; 127.0.0.1 on another port is the same site, another origin.
  crossSite = await serveAttacker("127.0.0.2");
  sameSite = await serveAttacker("127.0.0.1");
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser();
  for (const server of others) await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** Solidarity actions of a case: the ledger's sum, and the counter's total as the API shows it. */
async function counts(slug: string): Promise<{ ledger: number; counter: number; messages: number }> {
  const ledger = await t.db.pool.query(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM actions a JOIN cases c ON c.id = a.case_id
      WHERE c.slug = $1 AND a.type = 'solidarity'`,
    [slug],
  );
  const messages = await t.db.pool.query(
    "SELECT count(*)::int AS n FROM solidarity_messages m JOIN cases c ON c.id = m.case_id WHERE c.slug = $1",
    [slug],
  );
  const counter = (await (await fetch(`${base}/api/v1/campaigns/w4r-2012/counter`)).json()) as {
    total: number;
  };
  return { ledger: ledger.rows[0].n, counter: counter.total, messages: messages.rows[0].n };
}

const sent = (page: Page) => page.waitForURL(/done=solidarity/);

async function fillSolidarity(page: Page, message: string) {
  await page.fill("#solidarity-message", message);
  await page.fill("#solidarity-name", "Twice");
  await page.selectOption("#solidarity-country", "KE");
}

for (const javaScriptEnabled of [false, true]) {
  const scripts = javaScriptEnabled ? "on" : "off";

  test(`scripts ${scripts}: a message sent from the case page counts once`, () =>
    withPage(
      browser,
      async (page) => {
        await page.goto(`${base}/en/cases/ales-bialiatski`);
        const before = await counts("ales-bialiatski");
        await fillSolidarity(page, `From the page itself, scripts ${scripts}`);
        await Promise.all([sent(page), page.click("#act-solidarity button[type=submit]")]);
        assert.ok(await page.isVisible("#act-solidarity .done[role=status]"));
        const now = await counts("ales-bialiatski");
        assert.equal(now.ledger, before.ledger + 1);
        assert.equal(now.counter, before.counter + 1);
      },
      { javaScriptEnabled },
    ));

  test(`scripts ${scripts}: Send pressed again after the answer was lost counts once; a changed message counts again`, () =>
    withPage(
      browser,
      async (page) => {
        await page.goto(`${base}/en/cases/gao-zhisheng`);
        const before = await counts("gao-zhisheng");
        const posts: string[] = [];
        // The first post reaches the server, but its answer never reaches the page: it stays as
        // it was (a 204 leaves the page in place), and the person presses Send again.
        let lose = true;
        await page.route("**/cases/gao-zhisheng/solidarity", async (route: Route) => {
          posts.push(route.request().postData() ?? "");
          const response = await route.fetch({ maxRedirects: 0 });
          if (lose) {
            lose = false;
            assert.equal(response.status(), 303, "the first post was taken");
            await route.fulfill({ status: 204 });
          } else await route.fulfill({ response });
        });
        await fillSolidarity(page, `Pressed twice, scripts ${scripts}`);
        await page.click("#act-solidarity button[type=submit]");
        await page.waitForTimeout(300);
        assert.equal(posts.length, 1);
        assert.match(page.url(), /\/en\/cases\/gao-zhisheng$/, "still on the filled form");
        await Promise.all([sent(page), page.click("#act-solidarity button[type=submit]")]);
        assert.equal(posts.length, 2, "two posts reached the server");
        const key = (body: string) => new URLSearchParams(body).get("key");
        if (javaScriptEnabled) {
          assert.match(key(posts[0] ?? "") ?? "", /^[0-9a-f]{32}$/, "the script minted a key");
          assert.equal(key(posts[1] ?? ""), key(posts[0] ?? ""), "and sent the same key again");
        } else assert.equal(key(posts[0] ?? ""), null, "no key without scripts");
        const once = await counts("gao-zhisheng");
        assert.equal(once.ledger, before.ledger + 1, "counted once in the ledger");
        assert.equal(once.counter, before.counter + 1, "and in the counter");
        assert.equal(once.messages, before.messages + 1, "one message to moderate");

        // The same person, another message: another action.
        await page.unroute("**/cases/gao-zhisheng/solidarity");
        await fillSolidarity(page, `A second, different message, scripts ${scripts}`);
        await Promise.all([sent(page), page.click("#act-solidarity button[type=submit]")]);
        const twice = await counts("gao-zhisheng");
        assert.equal(twice.ledger, before.ledger + 2);
        assert.equal(twice.counter, before.counter + 2);
      },
      { javaScriptEnabled },
    ));

  test(`scripts ${scripts}: a double click on Send counts once`, () =>
    withPage(
      browser,
      async (page) => {
        await page.goto(`${base}/en/cases/gao-zhisheng`);
        const before = await counts("gao-zhisheng");
        let posts = 0;
        page.on("request", (request) => {
          if (request.method() === "POST") posts++;
        });
        await fillSolidarity(page, `Double click, scripts ${scripts}`);
        await page.dblclick("#act-solidarity button[type=submit]");
        // The second click aborts the first navigation; waiting for the thank-you itself (a
        // locator outlives navigations) rather than for one navigation's URL.
        await page.locator("#act-solidarity .done[role=status]").waitFor();
        assert.match(page.url(), /done=solidarity/);
        // Wait for any second post to be stored before counting.
        await page.waitForTimeout(300);
        const now = await counts("gao-zhisheng");
        assert.ok(posts >= 1);
        assert.equal(now.ledger, before.ledger + 1, `counted once (${posts} posts sent)`);
        assert.equal(now.counter, before.counter + 1);
      },
      { javaScriptEnabled },
    ));

  for (const [what, attacker] of [
    ["another site (cross-site)", () => crossSite],
    ["another port of this host (same-site)", () => sameSite],
  ] as const) {
    test(`scripts ${scripts}: a form on ${what} posting to the case page is refused and counts nothing`, () =>
      withPage(
        browser,
        async (page) => {
          const before = await counts("coastei-street");
          const answered = page.waitForResponse((r) => r.request().method() === "POST");
          await page.goto(attacker());
          await page.click("#forged button");
          const response = await answered;
          assert.equal(response.status(), 403);
          await page.waitForLoadState();
          assert.match((await page.textContent("h1")) ?? "", /sent from another website/);
          assert.deepEqual(await counts("coastei-street"), before, "nothing counted, nothing stored");
        },
        { javaScriptEnabled },
      ));
  }
}

test("a page of another site that sends the form by script on load is refused too", () =>
  withPage(browser, async (page) => {
    const before = await counts("coastei-street");
    const answered = page.waitForResponse((r) => r.request().method() === "POST");
    await page.goto(`${crossSite}#auto`);
    assert.equal((await answered).status(), 403);
    assert.deepEqual(await counts("coastei-street"), before);
  }));

test("with scripts on, the reader's country is chosen for them; without, nobody's is", async () => {
  await withPage(
    browser,
    async (page) => {
      await page.goto(`${base}/en/cases/gao-zhisheng`);
      assert.equal(await page.inputValue("#sign-country"), "MX");
    },
    { locale: "es-MX" },
  );
  await withPage(
    browser,
    async (page) => {
      await page.goto(`${base}/en/cases/gao-zhisheng`);
      assert.equal(await page.inputValue("#sign-country"), "");
    },
    { locale: "es-MX", javaScriptEnabled: false },
  );
});
