import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type ParsedMail, simpleParser } from "mailparser";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient, TEST_PASSWORD } from "../../../test/support/office.js";
import { seedDemoAccounts } from "../../demo/accounts.js";
import { createMailer } from "../../platform/mail/mailer.js";

// Accounts managed by admins, invitations and resets by email through a real SMTP server.

let node: TestApp;
let smtp: SMTPServer;
const inbox: ParsedMail[] = [];

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          inbox.push(mail);
          callback();
        },
        (error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  node = await startTestApp({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    PUBLIC_URL: "https://inkwell.example.org",
    LOGIN_RATE_LIMIT: "0",
  });
});
after(async () => {
  await node.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

function mailTo(address: string): ParsedMail | undefined {
  return [...inbox].reverse().find((m) => (m.to && !Array.isArray(m.to) ? m.to.text : "").includes(address));
}

function linkIn(mail: ParsedMail | undefined, kind: "invite" | "reset"): string {
  const match = new RegExp(`https://inkwell\\.example\\.org(/office/${kind}/[A-Za-z0-9_-]{43})`).exec(
    mail?.text ?? "",
  );
  assert.ok(match?.[1], `a ${kind} link in the mail`);
  return match[1];
}

const countUsers = async (email: string) =>
  Number((await node.db.pool.query("SELECT count(*) FROM users WHERE email = $1", [email])).rows[0].count);

test("an admin invites a coordinator, who receives the link by email and sets a password", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const es = String(node.runtime.sectionOf("ES"));
  const invited = await admin.post("/office/users", {
    email: "Ana@Example.org",
    name: "Ana",
    role: "coordinator",
    sections: [es],
  });
  assert.equal(invited.statusCode, 303, invited.body);
  const mail = mailTo("ana@example.org");
  assert.equal(mail?.subject, "You are invited to the Inkwell back office");
  const link = linkIn(mail, "invite");
  const outbox = await node.db.pool.query("SELECT sent_at, error FROM outbox WHERE recipient_key = $1", [
    node.db.privacy.emailKey("ana@example.org"),
  ]);
  assert.ok(outbox.rows[0].sent_at, "the outbox records it as sent");

  const ana = await officeClient(node);
  const weak = await ana.post(link, { name: "Ana", password: "short" });
  assert.equal(weak.statusCode, 422);
  assert.match(weak.body, /at least 10 characters/);
  const ok = await ana.post(link, { name: "Ana García", password: "a password of her own" });
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, "/office");
  assert.equal((await ana.get("/office")).statusCode, 200, "she is logged in");
  assert.equal((await ana.get("/office/users")).statusCode, 403, "a coordinator does not manage accounts");
  const reused = await officeClient(node);
  assert.equal((await reused.get(link)).statusCode, 404, "the link works once");
  assert.equal((await reused.post(link, { name: "X", password: "another long password" })).statusCode, 404);
  const row = await node.db.pool.query(
    "SELECT name, role, section_ids FROM users WHERE email = 'ana@example.org'",
  );
  assert.deepEqual(row.rows[0], { name: "Ana García", role: "coordinator", section_ids: [Number(es)] });
});

test("bad invitations are refused beside the field and create nothing", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const cases: [Record<string, string | string[]>, RegExp][] = [
    [{ email: "not-an-email", role: "organizer" }, /Enter an email address/],
    [{ email: "c@example.org", role: "coordinator" }, /needs at least one section/],
    [{ email: "t@example.org", role: "translator", languages: "es, !!" }, /Not a language tag: !!/],
    [{ email: "r@example.org", role: "pope" }, /Choose a role/],
    [{ email: "s@example.org", role: "organizer", sections: ["999999"] }, /Choose sections from the list/],
  ];
  for (const [form, message] of cases) {
    const response = await admin.post("/office/users", form);
    assert.equal(response.statusCode, 422, JSON.stringify(form));
    assert.match(response.body, message);
    assert.equal(await countUsers(String(form.email).toLowerCase()), 0);
  }
  const existing = await makeUser(node, "organizer");
  const twice = await admin.post("/office/users", { email: existing.email, role: "organizer" });
  assert.equal(twice.statusCode, 422);
  assert.match(twice.body, /already has an account/);
});

test("a password reset mails a one-hour link only to known accounts and ends old sessions", async () => {
  const user = await makeUser(node, "translator", { languages: ["fr"] });
  const elsewhere = await officeClient(node, user);
  const before = inbox.length;
  const visitor = await officeClient(node);
  const unknown = await visitor.post("/office/reset", { email: "nobody@example.org" });
  assert.equal(unknown.statusCode, 200);
  assert.match(unknown.body, /If nobody@example.org has an account/);
  const known = await visitor.post("/office/reset", { email: user.email });
  assert.equal(known.statusCode, 200);
  assert.match(known.body, new RegExp(`If ${user.email} has an account`), "the same answer either way");
  assert.equal(inbox.length, before + 1, "only the known account got a mail");
  const link = linkIn(mailTo(user.email), "reset");
  const done = await visitor.post(link, { password: "my brand new password" });
  assert.equal(done.statusCode, 303);
  assert.equal((await elsewhere.get("/office")).statusCode, 303, "the other session has ended");
  const login = await officeClient(node);
  const old = await login.post("/office/login", { email: user.email, password: TEST_PASSWORD });
  assert.equal(old.statusCode, 401);
  const fresh = await login.post("/office/login", { email: user.email, password: "my brand new password" });
  assert.equal(fresh.statusCode, 303);
});

test("disabling an account ends its sessions and refuses its logins; admins cannot lock themselves out", async () => {
  const adminUser = await makeUser(node, "admin");
  const admin = await officeClient(node, adminUser);
  const user = await makeUser(node, "organizer");
  const theirs = await officeClient(node, user);
  assert.equal((await theirs.get("/office")).statusCode, 200);
  const disabled = await admin.post(`/office/users/${user.id}`, { role: "organizer", disabled: "1" });
  assert.equal(disabled.statusCode, 303);
  assert.equal((await theirs.get("/office")).statusCode, 303);
  const login = await officeClient(node);
  assert.equal(
    (await login.post("/office/login", { email: user.email, password: TEST_PASSWORD })).statusCode,
    401,
  );
  const self = await admin.post(`/office/users/${adminUser.id}`, { role: "organizer" });
  assert.equal(self.statusCode, 422);
  const row = await node.db.pool.query("SELECT role FROM users WHERE id = $1", [adminUser.id]);
  assert.equal(row.rows[0].role, "admin");
  assert.equal((await admin.get("/office/users/99999999")).statusCode, 404);
});

test("only admins read accounts, the audit log and the outbox", async () => {
  for (const role of ["coordinator", "translator", "organizer"] as const) {
    const client = await officeClient(
      node,
      await makeUser(node, role, role === "coordinator" ? { countries: ["FR"] } : {}),
    );
    for (const url of ["/office/users", "/office/users/new", "/office/audit", "/office/outbox"]) {
      assert.equal((await client.get(url)).statusCode, 403, `${role} ${url}`);
    }
    assert.equal(
      (await client.post("/office/users", { email: "x@example.org", role: "admin" })).statusCode,
      403,
    );
  }
  assert.equal(await countUsers("x@example.org"), 0);
});

test("the audit log shows who changed what, before and after, filtered, without password hashes", async () => {
  const adminUser = await makeUser(node, "admin");
  const admin = await officeClient(node, adminUser);
  const user = await makeUser(node, "translator", { languages: ["pl"] });
  await admin.post(`/office/users/${user.id}`, { role: "translator", languages: "pl, uk", name: "Ola" });
  const page = await admin.get(
    `/office/audit?entity=user&id=${user.id}&actor=${encodeURIComponent(adminUser.email)}`,
  );
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /update/);
  assert.match(page.body, /&quot;languages&quot;: \[\n {2}&quot;pl&quot;\n ]/);
  assert.match(page.body, /&quot;uk&quot;/);
  assert.doesNotMatch(page.body, /argon2/);
  const other = await admin.get("/office/audit?entity=user&actor=nobody%40example.org");
  assert.match(other.body, /No changes match/);
  const stored = await node.db.pool.query(
    "SELECT before, after FROM audit_log WHERE entity = 'user' AND entity_id = $1",
    [String(user.id)],
  );
  assert.equal(stored.rowCount, 1);
  assert.deepEqual(stored.rows[0].before.languages, ["pl"]);
  assert.deepEqual(stored.rows[0].after.languages, ["pl", "uk"]);
});

test("without SMTP, mail stays in the outbox, which admins can read", async () => {
  const mailer = createMailer(
    { ...node.config, smtpUrl: undefined },
    node.db.pool,
    pino({ level: "silent" }),
    node.db.privacy,
  );
  await mailer.send({ to: "kept@example.org", subject: "Kept here", text: "Hello from the outbox" });
  const row = await node.db.pool.query("SELECT sent_at FROM outbox WHERE recipient_key = $1", [
    node.db.privacy.emailKey("kept@example.org"),
  ]);
  assert.equal(row.rows[0].sent_at, null);
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const page = await admin.get("/office/outbox");
  assert.match(page.body, /Kept here/);
  assert.match(page.body, /Hello from the outbox/);
});

test("the demo accounts get a random password, kept in a file only the owner reads", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inkwell-demo-"));
  try {
    const text = await seedDemoAccounts(node.db.pool, dir);
    const file = path.join(dir, "demo-logins.txt");
    assert.equal(readFileSync(file, "utf8"), text);
    assert.equal(statSync(file).mode & 0o077, 0);
    const password = /Password for all of them: (\S+)/.exec(text)?.[1] ?? "";
    const client = await officeClient(node);
    const login = await client.post("/office/login", { email: "admin@demo.inkwell.test", password });
    assert.equal(login.statusCode, 303);
    assert.equal((await client.get("/office/users")).statusCode, 200);
    const events = await node.db.pool.query(
      "SELECT e.public, e.starts_at > now() AS upcoming FROM events e JOIN users u ON u.id = e.organizer_id WHERE u.email = 'organizer.es@demo.inkwell.test'",
    );
    assert.deepEqual(
      events.rows,
      [
        { public: true, upcoming: true },
        { public: true, upcoming: true },
      ],
      "the demo organizer has two upcoming public events",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sending an invitation again replaces the old link; an active account gets none", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"));
  await admin.post("/office/users", { email: "late@example.org", role: "organizer" });
  const first = linkIn(mailTo("late@example.org"), "invite");
  const id = (await node.db.pool.query("SELECT id FROM users WHERE email = 'late@example.org'")).rows[0].id;
  const again = await admin.post(`/office/users/${id}/invite`);
  assert.equal(again.statusCode, 303);
  const second = linkIn(mailTo("late@example.org"), "invite");
  assert.notEqual(second, first);
  const visitor = await officeClient(node);
  assert.equal((await visitor.get(first)).statusCode, 404, "the old link no longer works");
  assert.equal((await visitor.get(second)).statusCode, 200);
  const audit = await node.db.pool.query(
    "SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = $1 ORDER BY id",
    [String(id)],
  );
  assert.deepEqual(
    audit.rows.map((r) => r.action),
    ["invite", "reinvite"],
  );
  const active = await makeUser(node, "organizer");
  assert.equal((await admin.post(`/office/users/${active.id}/invite`)).statusCode, 409);
});

test("account emails speak the person's chosen language, else the language of the browser asking", async () => {
  const chosen = await makeUser(node, "translator", { languages: ["es"] });
  await node.db.pool.query("UPDATE users SET locale = 'es' WHERE id = $1", [chosen.id]);
  await (await officeClient(node, undefined, { acceptLanguage: "en" })).post("/office/reset", {
    email: chosen.email,
  });
  const spanish = mailTo(chosen.email);
  assert.equal(spanish?.subject, "Elige una nueva contraseña de Inkwell");
  assert.match(spanish?.text ?? "", /Elige una nueva contraseña aquí en la próxima hora/);
  assert.ok(linkIn(spanish, "reset"));

  const unchosen = await makeUser(node, "translator", { languages: ["fr"] });
  await (await officeClient(node, undefined, { acceptLanguage: "fr-FR,fr;q=0.9" })).post("/office/reset", {
    email: unchosen.email,
  });
  assert.equal(mailTo(unchosen.email)?.subject, "Choisissez un nouveau mot de passe Inkwell");

  // An invitation is in the inviting admin's language: the person invited has chosen none yet.
  const admin = await officeClient(node, await makeUser(node, "admin"), { acceptLanguage: "pl" });
  const invited = await admin.post("/office/users", {
    email: "ola@example.org",
    name: "Ola",
    role: "translator",
    languages: "pl",
  });
  assert.equal(invited.statusCode, 303, invited.body);
  const polish = mailTo("ola@example.org");
  assert.equal(polish?.subject, "Zaproszenie do biura Inkwell");
  assert.match(polish?.text ?? "", /^Dzień dobry, Ola,/);
  assert.match(polish?.text ?? "", /rola: tłumacz \(tłumaczenia na swoje języki\)/);
  assert.ok(linkIn(polish, "invite"));
});
