import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeEvent } from "../../../test/support/events.js";
import { makeUser } from "../../../test/support/office.js";
import { runCli } from "../../../test/support/process.js";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { newActionId } from "../../core/ledger/ids.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { countsOf } from "./fixtures.js";
import { findHoldings } from "./holdings.js";
import { formatRetention, retentionPlan, runRetention } from "./retention.js";

let t: TestApp;
let url: string;
before(async () => {
  t = await startTestApp();
  url = t.config.databaseUrl as string;
});
after(async () => t.close());

const MONTH_MS = 31 * 86_400_000;
const DAY_MS = 86_400_000;
const edition = (slug: string): CampaignInfo => {
  const c = t.runtime.catalog().campaigns.get(slug);
  assert.ok(c, slug);
  return c;
};
/** A moment the given number of months (and a day) after the edition ended. */
const after12 = (slug: string) => new Date(edition(slug).endsAt.getTime() + 12 * MONTH_MS + DAY_MS);

/** A signature in an edition, with its consent, through the ledger's append path (any date). */
async function sign(slug: string, email: string, name: string): Promise<void> {
  const c = edition(slug);
  const caseId = [...c.cases.values()][0] as number;
  const key = `retention-${randomUUID()}`;
  // Stored as the node stores it: sealed, found by the email's keyed hash.
  await t.db.pool.query(
    `INSERT INTO consents (id, campaign_id, idempotency_key, email_key, email_sealed, purpose, notice_version)
     VALUES ($1, $2, $3, $4, $5, 'petition:x', '2026-11-1')`,
    [randomUUID(), c.id, key, t.db.privacy.emailKey(email), t.db.privacy.seal(email, "email")],
  );
  const occurredAt = new Date(c.startsAt.getTime() + 3_600_000);
  await t.runtime.batcher.submit(
    {
      id: newActionId(),
      campaignId: c.id,
      caseId,
      type: "petition",
      quantity: 1,
      country: "DE",
      channel: "web",
      sectionId: null,
      supporterId: null,
      reporter: null,
      reason: null,
      occurredAt,
      idempotencyKey: key,
    },
    { name, email },
  );
}

async function message(slug: string, author: string, status = "approved"): Promise<void> {
  const c = edition(slug);
  await t.db.pool.query(
    `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author, country, language, body, status)
     VALUES ($1, $2, $3, $4, $5, 'DE', 'de', 'Kopf hoch!', $6)`,
    [
      randomUUID(),
      c.id,
      c.cases.get("gao-zhisheng") ?? [...c.cases.values()][0],
      randomUUID(),
      author,
      status,
    ],
  );
}

/** What personal data there is, to prove a dry run changes none of it. */
async function snapshot() {
  const one = async (sql: string) => (await t.db.pool.query<{ n: number }>(sql)).rows[0]?.n;
  return {
    emails: await one("SELECT count(email_sealed)::int AS n FROM supporters"),
    names: await one("SELECT count(name_sealed)::int AS n FROM supporters"),
    consents: await one("SELECT count(*)::int AS n FROM consents"),
    authors: await one(
      "SELECT count(coalesce(author_sealed::text, author))::int AS n FROM solidarity_messages",
    ),
    rsvps: await one("SELECT count(*)::int AS n FROM event_rsvps"),
    mails: await one("SELECT count(*)::int AS n FROM outbox"),
  };
}

test("the dry run prints what would go per kind and edition and changes nothing; the run erases exactly that", async () => {
  await sign("w4r-2011", "only-2011@example.org", "Ada Elevenson");
  await sign("w4r-2011", "both@example.org", "Bo Twiceman");
  await sign("w4r-2012", "both@example.org", "Bo Twiceman");
  await sign("w4r-2012", "only-2012@example.org", "Cy Twelvish");
  await message("w4r-2011", "Dora Oldwall");
  await message("w4r-2012", "Eli Newwall");
  const organizer = await makeUser(t, "organizer");
  const old = edition("w4r-2011");
  const eventId = await makeEvent(t, {
    organizerId: organizer.id,
    campaign: "w4r-2011",
    startsAt: new Date(old.endsAt.getTime() - 2 * DAY_MS),
  });
  await t.db.pool.query(
    "INSERT INTO event_rsvps (id, event_id, name, email, confirmed_at) VALUES ($1, $2, 'Fay Goer', 'fay@example.org', now())",
    [randomUUID(), eventId],
  );
  await t.runtime.mailer.send({ to: "fay@example.org", subject: "Thanks", text: "Thanks, Fay." });

  const at = after12("w4r-2011");
  const rule = { months: 12, now: at };
  const plan = await retentionPlan(t.db.pool, rule);
  const only = (kind: string) => plan.filter((c) => c.kind === kind).map((c) => [c.campaign, c.count]);
  assert.deepEqual(only("supporters"), [["w4r-2011", 1]], "only the 2011-only signer; Bo signed in 2012 too");
  assert.deepEqual(only("consents"), [["w4r-2011", 1]], "Bo's 2011 consent stays with Bo");
  assert.deepEqual(only("authors"), [["w4r-2011", 1]]);
  assert.deepEqual(only("rsvps"), [["w4r-2011", 1]]);
  assert.deepEqual(only("mails"), [["", 1]], "the mail, 30 days after it was made (it never went: no SMTP)");

  const before = await snapshot();
  const dry = await runCli(["retention", "--dry-run", "--at", at.toISOString()], { DATABASE_URL: url });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout, formatRetention(plan, rule, true));
  assert.match(dry.stdout, /supporters\s+w4r-2011\s+1\n/);
  assert.match(dry.stdout, /mails\s+-\s+1\n/);
  assert.deepEqual(await snapshot(), before, "the dry run changed nothing");

  const counts = await countsOf(t);
  const run = await runCli(["retention", "--at", at.toISOString()], { DATABASE_URL: url });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    formatRetention(plan, rule, false),
    "the run erased exactly what the dry run said",
  );
  assert.deepEqual(await retentionPlan(t.db.pool, rule), [], "nothing is left to erase at that moment");
  assert.deepEqual(await countsOf(t), counts, "the counts do not move");

  assert.equal((await findHoldings(t.db.pool, t.db.privacy, "only-2011@example.org")).supporters.length, 0);
  const bo = await findHoldings(t.db.pool, t.db.privacy, "both@example.org");
  assert.equal(
    bo.supporters.length,
    1,
    "a supporter of two editions is kept until the later one's period ends",
  );
  assert.equal(bo.consents.length, 2);
  assert.equal(bo.actions.length, 2);
  const wall = await t.db.pool.query(
    "SELECT author FROM solidarity_messages WHERE body = 'Kopf hoch!' ORDER BY author NULLS FIRST",
  );
  assert.deepEqual(
    wall.rows.map((r) => r.author),
    [null, "Eli Newwall"],
  );
});

test("once the later edition's period is over, the rest goes; the wall signs 'A supporter'; verify stays clean", async () => {
  const at = after12("w4r-2012");
  const rule = { months: 12, now: at };
  const plan = await retentionPlan(t.db.pool, rule);
  assert.ok(plan.some((c) => c.kind === "supporters" && c.campaign === "w4r-2012" && c.count >= 2));
  const counts = await countsOf(t);
  const run = await runRetention(t.db.bulk, rule);
  assert.equal(run.ran, true);
  assert.deepEqual(run.counts, plan);
  assert.deepEqual(await countsOf(t), counts);
  assert.equal((await verifyCounters(t.db.bulk)).differences.length, 0);
  assert.equal((await findHoldings(t.db.pool, t.db.privacy, "both@example.org")).supporters.length, 0);
  const named = await t.db.pool.query(
    "SELECT count(*)::int AS n FROM supporters WHERE email IS NOT NULL OR name IS NOT NULL",
  );
  assert.equal(named.rows[0].n, 0);

  await t.runtime.contentChanged();
  const page = await t.app.inject({ method: "GET", url: "/en/cases/gao-zhisheng" });
  assert.ok(page.body.includes("A supporter"), "an erased author is signed neutrally");
  assert.ok(!page.body.includes("Eli Newwall"));
});

test("a second node finds the retention running and skips it", async () => {
  const holder = await t.db.bulk.connect();
  try {
    await holder.query("SELECT pg_advisory_lock(hashtext('inkwell-retention'))");
    const run = await runRetention(t.db.bulk, { months: 12, now: new Date() });
    assert.equal(run.ran, false);
  } finally {
    await holder.query("SELECT pg_advisory_unlock(hashtext('inkwell-retention'))");
    holder.release();
  }
});

test("inkwell supporter show prints JSON; erase needs --yes and then erases", async () => {
  await sign("w4r-2012", "cli.person@example.org", "Gil Terminal");
  const show = await runCli(["supporter", "show", "--email", "CLI.Person@example.org"], {
    DATABASE_URL: url,
  });
  assert.equal(show.code, 0, show.stderr);
  const data = JSON.parse(show.stdout);
  assert.equal(data.supporters[0].name, "Gil Terminal");
  assert.equal(data.consents.length, 1);

  const refused = await runCli(["supporter", "erase", "--email", "cli.person@example.org"], {
    DATABASE_URL: url,
  });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--yes/);
  assert.equal((await findHoldings(t.db.pool, t.db.privacy, "cli.person@example.org")).supporters.length, 1);

  const counts = await countsOf(t);
  const erased = await runCli(["supporter", "erase", "--email", "cli.person@example.org", "--yes"], {
    DATABASE_URL: url,
  });
  assert.equal(erased.code, 0, erased.stderr);
  assert.match(erased.stdout, /Erased/);
  assert.equal((await findHoldings(t.db.pool, t.db.privacy, "cli.person@example.org")).supporters.length, 0);
  assert.deepEqual(await countsOf(t), counts);
  const audit = await t.db.pool.query(
    "SELECT actor, after FROM audit_log WHERE action = 'erase' ORDER BY id DESC LIMIT 1",
  );
  assert.equal(audit.rows[0]?.actor, "cli");
  const bad = await runCli(["supporter", "show", "--email", "nope"], { DATABASE_URL: url });
  assert.notEqual(bad.code, 0);
});
