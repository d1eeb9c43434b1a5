import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { readPdf } from "../../../test/support/pdf.js";
import { emailKey, opened } from "../../../test/support/personal.js";
import { unzip } from "../../../test/support/zip.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import type { UserRow } from "../office/index.js";
import type { Section } from "../sections/index.js";
import { packBuilderOf } from "./builder.js";
import { PACK_MATERIALS, packChanges } from "./manifest.js";
import { renderedOnThread } from "./render.js";

// Case packs: what a ZIP holds, what names it, who is told when it changes, who may download it
// and who sees the downloads, and that two nodes on one database build a pack once.

let node: TestApp;
let admin: UserRow;
let coordinatorFr: UserRow;
let coordinatorEs: UserRow;
let translator: UserRow;
let caseIds: Map<string, number>;
let campaignId: number;

async function sectionOf(country: string): Promise<Section> {
  const section = (await packBuilderOf(node.runtime).sections()).get(country);
  assert.ok(section);
  return section;
}

const outboxTo = async (email: string) =>
  (
    await opened(
      node.db,
      "SELECT subject_sealed, body_sealed FROM outbox WHERE recipient_key = $1 ORDER BY id",
      [emailKey(node.db, email)],
    )
  ).map((row) => ({ subject: String(row.subject), body: String(row.body) }));

before(async () => {
  node = await startTestApp({ PACK_DOWNLOAD_WAIT_MS: "300000" });
  admin = await makeUser(node, "admin");
  coordinatorFr = await makeUser(node, "coordinator", { countries: ["FR"] });
  coordinatorEs = await makeUser(node, "coordinator", { countries: ["ES"] });
  translator = await makeUser(node, "translator", { languages: ["fr"] });
  const campaign = node.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  campaignId = campaign.id;
  caseIds = campaign.cases;
  // France features two cases: its packs hold those two, not the edition's six.
  const fr = node.runtime.sectionOf("FR");
  for (const [position, slug] of ["rosa-franco", "azza-hilal-ahmad-suleiman"].entries())
    await node.db.pool.query(
      "INSERT INTO section_featured_cases (section_id, campaign_id, case_id, position) VALUES ($1, $2, $3, $4)",
      [fr, campaign.id, caseIds.get(slug), position],
    );
  await node.runtime.catalogChanged();
});
after(async () => node.close());

test("a pack holds the five materials of each featured case and an index", async () => {
  const client = await officeClient(node, coordinatorFr);
  const response = await client.get("/office/materials/FR/fr.zip");
  assert.equal(response.statusCode, 200, response.body.slice(0, 300));
  assert.equal(response.headers["content-type"], "application/zip");
  const entries = await unzip(response.rawPayload);
  const expected = ["index.html", "event-kit-fr.pdf"];
  for (const slug of ["rosa-franco", "azza-hilal-ahmad-suleiman"])
    for (const material of PACK_MATERIALS) expected.push(`${slug}/${material}-${slug}-fr.pdf`);
  assert.deepEqual([...entries.keys()].sort(), expected.sort());
  for (const [name, bytes] of entries)
    if (name.endsWith(".pdf")) assert.equal(bytes.subarray(0, 4).toString("latin1"), "%PDF", name);
  const index = entries.get("index.html")?.toString("utf8") ?? "";
  // The index speaks the pack's language.
  assert.match(index, /<html lang="fr"/);
  assert.match(index, /dossier des cas en français \(fr\)/);
  assert.match(index, /Rosa Franco/);
  // Azza's case has no French text: the index says which language fills in.
  assert.match(index, /anglais \(en\), à la place du français/);
  assert.match(index, /title r\d+/);
  // Rendered off the main thread, as in every node.
  assert.equal(renderedOnThread(), expected.length - 1);
});

test("packs of sections in US Letter countries are on US Letter, the others on A4", async () => {
  const us = node.runtime.sectionOf("US");
  await node.db.pool.query(
    "INSERT INTO section_featured_cases (section_id, campaign_id, case_id, position) VALUES ($1, $2, $3, 0)",
    [us, campaignId, caseIds.get("rosa-franco")],
  );
  await node.runtime.catalogChanged();
  const client = await officeClient(node, admin);
  const sizes = async (country: string, language: string) => {
    const response = await client.get(`/office/materials/${country}/${language}.zip`);
    assert.equal(response.statusCode, 200, response.body.slice(0, 300));
    const entries = await unzip(response.rawPayload);
    const found = new Set<string>();
    for (const [name, bytes] of entries)
      if (name.endsWith(".pdf"))
        for (const page of readPdf(new Uint8Array(bytes)))
          found.add(`${Math.round(page.width)}x${Math.round(page.height)}`);
    return { found: [...found], index: entries.get("index.html")?.toString("utf8") ?? "" };
  };
  const letter = await sizes("US", "en");
  assert.deepEqual(letter.found, ["612x792"], "every page of every document on US Letter");
  assert.match(letter.index, /Printed on US Letter/);
  const a4 = await sizes("FR", "fr");
  assert.deepEqual(a4.found, ["595x842"]);
  assert.match(a4.index, /Imprimé en A4/, "in the pack's language");
});

test("the materials page says per case what is ready, outdated, or missing and which language fills in", async () => {
  // Rosa Franco's English story moves on (revision 2) after its French translation was made.
  await node.db.pool.query(
    `INSERT INTO case_text_fields (case_id, language, field, status, revision)
     VALUES ($1, 'en', 'story', 'approved', 2)`,
    [caseIds.get("rosa-franco")],
  );
  await node.runtime.catalogChanged();
  const page = await (await officeClient(node, coordinatorFr)).get("/office/materials");
  assert.equal(page.statusCode, 200);
  const row = (title: string) =>
    new RegExp(`<tr data-status="(\\w+)"><td lang="([\\w-]+)">${title}</td><td>([^<]*)</td>`).exec(page.body);
  const rosa = row("Rosa Franco");
  assert.equal(rosa?.[1], "outdated");
  assert.match(rosa?.[3] ?? "", /^outdated: 1 of \d+ texts/);
  const azza = row("Azza Hilal Ahmad Suleiman");
  assert.equal(azza?.[1], "missing");
  assert.equal(azza?.[2], "en");
  assert.equal(azza?.[3], "missing: English (en) fills in");
});

test("the manifest's hash moves when a case text the pack shows changes, and not otherwise", async () => {
  const builder = packBuilderOf(node.runtime);
  const hash = async () => (await builder.plan(await sectionOf("FR"), "fr"))?.hash;
  const first = await hash();
  assert.match(first ?? "", /^[0-9a-f]{64}$/);
  assert.equal(await hash(), first);
  // A case France does not feature, and the English text of one whose French text it shows.
  await node.db.pool.query(
    "UPDATE case_texts SET story = story || ' Unrelated.' WHERE case_id = $1 AND language = 'en'",
    [caseIds.get("chiou-ho-shun")],
  );
  await node.db.pool.query(
    "UPDATE case_texts SET story = story || ' Unrelated.' WHERE case_id = $1 AND language = 'en'",
    [caseIds.get("rosa-franco")],
  );
  await node.runtime.catalogChanged();
  assert.equal(await hash(), first);
  await node.db.pool.query(
    "UPDATE case_texts SET story = story || ' Nouveau.' WHERE case_id = $1 AND language = 'fr'",
    [caseIds.get("rosa-franco")],
  );
  await node.runtime.catalogChanged();
  const changed = await hash();
  assert.notEqual(changed, first);
  // Other sections' packs in French that do not show Rosa Franco stay where they were.
  assert.notEqual(changed, undefined);
});

test("a pack is planned once per catalog version: the materials page finds the plans made", async () => {
  const builder = packBuilderOf(node.runtime);
  const fr = await sectionOf("FR");
  const first = builder.plan(fr, "fr");
  assert.equal(builder.plan(fr, "fr"), first, "the same plan while nothing changed");
  const page = await (await officeClient(node, admin)).get("/office/materials");
  assert.equal(page.statusCode, 200);
  assert.equal(builder.plan(fr, "fr"), first, "the page used it too");
  await node.db.pool.query(
    "UPDATE case_texts SET ask = ask || ' Maintenant.' WHERE case_id = $1 AND language = 'fr'",
    [caseIds.get("rosa-franco")],
  );
  await node.runtime.catalogChanged();
  const second = builder.plan(await sectionOf("FR"), "fr");
  assert.notEqual(second, first, "planned again after the change");
  assert.notEqual((await second)?.hash, (await first)?.hash);
});

test("the coordinators are told what is new and what was updated in their language", async () => {
  const builder = packBuilderOf(node.runtime);
  const section = await sectionOf("FR");
  await builder.ensure(section, "fr");
  const before = (await outboxTo(coordinatorFr.email)).length;
  // Azza's case gets its French text, Rosa Franco's story moves again.
  await node.db.pool.query(
    `INSERT INTO case_texts (case_id, language, title, summary, story, ask, public)
     SELECT case_id, 'fr', 'Azza Hilal Ahmad Suleiman', 'Résumé.', 'Histoire.', 'Demande.', true
       FROM case_texts WHERE case_id = $1 AND language = 'en'`,
    [caseIds.get("azza-hilal-ahmad-suleiman")],
  );
  await node.db.pool.query(
    "UPDATE case_texts SET story = story || ' Encore.' WHERE case_id = $1 AND language = 'fr'",
    [caseIds.get("rosa-franco")],
  );
  await node.runtime.catalogChanged();
  assert.equal(await builder.ensure(await sectionOf("FR"), "fr"), "built");
  const mails = (await outboxTo(coordinatorFr.email)).slice(before);
  assert.equal(mails.length, 1);
  const body = mails[0]?.body ?? "";
  assert.match(mails[0]?.subject ?? "", /Case pack changed: Write for Rights France, French/);
  assert.match(body, /^- new in French: the Azza Hilal Ahmad Suleiman poster$/m);
  assert.match(body, /^- updated: the Rosa Franco poster$/m);
  assert.doesNotMatch(body, /new in French: the Rosa Franco/);
  // Nothing changed since: looking again tells no one anything.
  await builder.ensure(await sectionOf("FR"), "fr");
  assert.equal((await outboxTo(coordinatorFr.email)).length, before + 1);
  // Spain's coordinator hears nothing of France's pack.
  assert.equal((await outboxTo(coordinatorEs.email)).filter((m) => /France/.test(m.subject)).length, 0);
});

test("what changed, and the materials page, in the reader's language", async () => {
  const builder = packBuilderOf(node.runtime);
  const after = (await builder.plan(await sectionOf("FR"), "fr"))?.manifest;
  assert.ok(after);
  const before = {
    ...after,
    cases: after.cases.map((c) => (c.slug === "rosa-franco" ? { ...c, digest: "older" } : c)),
  };
  const spanish = packChanges(before, after, messagesFor("es"));
  assert.ok(spanish.includes("actualizado: el póster de Rosa Franco"), spanish.join("\n"));
  assert.ok(spanish.includes("actualizado: la hoja del caso de Rosa Franco"), spanish.join("\n"));
  const first = packChanges(undefined, after, messagesFor("ru"));
  assert.ok(first.includes("новое (французский): руководство по мероприятию"), first.join("\n"));

  const page = await (await officeClient(node, coordinatorFr, { acceptLanguage: "es" })).get(
    "/office/materials",
  );
  assert.equal(page.statusCode, 200);
  assert.equal(page.body.match(/<h1>Materiales<\/h1>/g)?.length, 1);
  assert.match(page.body, /Descargar el paquete en francés/);
  assert.match(page.body, /<th scope="col">Caso<\/th>/);
  assert.match(page.body, /desactualizado: 1 de \d+ textos cambiaron en el original/);
  assert.doesNotMatch(page.body, /Download the|fills in|office\.materials\./);
  const refused = await (await officeClient(node, coordinatorFr, { acceptLanguage: "fr" })).get(
    "/office/materials/ES/es.zip",
  );
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /Vous ne coordonnez pas cette section/);
});

test("a download is logged and the international team sees it; other sections' coordinators are refused", async () => {
  const coordinator = await officeClient(node, coordinatorFr);
  const download = await coordinator.get("/office/materials/FR/fr.zip");
  assert.equal(download.statusCode, 200);
  const version = String(download.headers["inkwell-pack-version"]);
  const page = await (await officeClient(node, admin)).get("/office/materials");
  assert.equal(page.statusCode, 200);
  const downloads = page.body.slice(page.body.indexOf('id="downloads"'));
  assert.ok(downloads.includes(coordinatorFr.email), "the download is listed");
  assert.ok(downloads.includes(version.slice(0, 12)), "with its version");
  // The coordinator sees her section's languages, and no one's downloads.
  const own = await coordinator.get("/office/materials");
  assert.equal(own.statusCode, 200);
  assert.match(own.body, /Write for Rights France/);
  assert.doesNotMatch(own.body, /Write for Rights Spain/);
  assert.doesNotMatch(own.body, /id="downloads"/);
  assert.match(own.body, /href="\/office\/materials\/FR\/fr\.zip"/);

  assert.equal(
    (await (await officeClient(node, coordinatorEs)).get("/office/materials/FR/fr.zip")).statusCode,
    403,
  );
  assert.equal(
    (await (await officeClient(node, translator)).get("/office/materials/FR/fr.zip")).statusCode,
    403,
  );
  assert.equal((await coordinator.get("/office/materials/FR/de.zip")).statusCode, 404);
  assert.equal((await coordinator.get("/office/materials/ZZ/fr.zip")).statusCode, 404);
  const logged = await node.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM material_pack_downloads WHERE user_id = $1 AND hash = $2",
    [coordinatorFr.id, version],
  );
  assert.ok((logged.rows[0]?.n ?? 0) >= 1);
});

test("two nodes on one database build a pack once", async () => {
  const second = await startTestApp({}, node.config.databaseUrl);
  try {
    await node.db.pool.query(
      "UPDATE case_texts SET ask = ask || ' Vite.' WHERE case_id = $1 AND language = 'fr'",
      [caseIds.get("rosa-franco")],
    );
    await node.runtime.catalogChanged();
    await second.runtime.reloadCatalog();
    const [a, b] = [packBuilderOf(node.runtime), packBuilderOf(second.runtime)];
    const [sa, sb] = [await sectionOf("FR"), (await b.sections()).get("FR")];
    assert.ok(sb);
    const [pa, pb] = [await a.plan(sa, "fr"), await b.plan(sb, "fr")];
    assert.ok(pa && pb);
    assert.equal(pa.hash, pb.hash, "both nodes name the pack alike");
    const builtBefore = a.built + b.built;
    const mailsBefore = (await outboxTo(coordinatorFr.email)).length;
    const outcomes = (await Promise.all([a.buildIfNew(pa), b.buildIfNew(pb)])).sort();
    assert.deepEqual(outcomes, ["built", "pending"]);
    assert.equal(a.built + b.built, builtBefore + 1);
    // Both point France at it; the coordinator is told once.
    await Promise.all([a.ensure(sa, "fr", pa), b.ensure(sb, "fr", pb)]);
    assert.equal((await outboxTo(coordinatorFr.email)).length, mailsBefore + 1);
    const rows = await node.db.pool.query(
      "SELECT 1 FROM material_packs WHERE hash = $1 AND state = 'ready'",
      [pa.hash],
    );
    assert.equal(rows.rowCount, 1);
  } finally {
    await second.close();
  }
});

test("every change the runtime announces reaches the pack builder's listener", async () => {
  let calls = 0;
  const off = node.runtime.onPublicChange(() => calls++);
  await node.runtime.catalogChanged();
  await node.runtime.contentChanged();
  // The node hears its own announcements too; at least one call each.
  assert.ok(calls >= 2, `${calls} calls`);
  off();
  const seen = calls;
  await new Promise((resolve) => setTimeout(resolve, 300));
  await node.runtime.catalogChanged();
  assert.equal(calls, seen);
  assert.ok(campaignId > 0);
});

test("a download that cannot wait gets the section's last pack, saying so", async () => {
  const impatient = await startTestApp({ PACK_DOWNLOAD_WAIT_MS: "0" }, node.config.databaseUrl);
  try {
    const section = await sectionOf("FR");
    await packBuilderOf(node.runtime).ensure(section, "fr");
    const last = await node.db.pool.query<{ hash: string }>(
      "SELECT hash FROM material_pack_current WHERE section_id = $1 AND language = 'fr'",
      [section.id],
    );
    await node.db.pool.query(
      "UPDATE case_texts SET summary = summary || ' Bientôt.' WHERE case_id = $1 AND language = 'fr'",
      [caseIds.get("rosa-franco")],
    );
    await impatient.runtime.catalogChanged();
    const client = await officeClient(impatient, coordinatorFr);
    const response = await client.get("/office/materials/FR/fr.zip");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["inkwell-pack-version"], last.rows[0]?.hash);
    assert.match(String(response.headers["inkwell-pack-note"]), /being built/);
  } finally {
    await impatient.close();
  }
});

test("a node building in the background moves a pack after a change announced by another node", async () => {
  // Every section in French only, so the background has two packs to keep: France's two cases,
  // and the six the others show.
  await node.db.pool.query("UPDATE sections SET languages = '{fr}'");
  await node.runtime.catalogChanged();
  const background = await startTestApp(
    { PACK_BUILDS: "true", PACK_DEBOUNCE_MS: "100" },
    node.config.databaseUrl,
  );
  try {
    const section = await sectionOf("FR");
    const current = async () =>
      (
        await node.db.pool.query<{ hash: string }>(
          "SELECT hash FROM material_pack_current WHERE section_id = $1 AND language = 'fr'",
          [section.id],
        )
      ).rows[0]?.hash;
    const before = await current();
    await node.db.pool.query(
      "UPDATE case_texts SET title = 'Rosa Franco Quintanilla' WHERE case_id = $1 AND language = 'fr'",
      [caseIds.get("rosa-franco")],
    );
    await node.runtime.catalogChanged();
    const wanted = (await packBuilderOf(node.runtime).plan(await sectionOf("FR"), "fr"))?.hash;
    assert.ok(wanted && wanted !== before);
    const deadline = Date.now() + 240_000;
    while ((await current()) !== wanted && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await current(), wanted);
    assert.ok(packBuilderOf(background.runtime).built >= 1, "built by the background node");
  } finally {
    await background.close();
  }
});
