import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../test/support/app.js";
import { makeUser, officeClient } from "../../test/support/office.js";

let node: TestApp;
before(async () => {
  node = await startTestApp();
});
after(async () => node.close());

test("probe", async () => {
  const admin = await makeUser(node, "admin");
  const coord = await makeUser(node, "coordinator", { countries: ["ES"] });
  const org = await makeUser(node, "organizer", { countries: ["ES"] });
  const a = await officeClient(node, admin);
  const c = await officeClient(node, coord);
  const o = await officeClient(node, org);
  const anon = await officeClient(node);
  const show = (label: string, r: { statusCode: number; body: string; headers: Record<string, unknown> }) =>
    console.log(label, r.statusCode, r.statusCode >= 500 ? r.body.slice(0, 200) : String(r.headers.location ?? ""));
  show("login nul", await anon.post("/office/login", { email: "a\u0000@b.org", password: "xxxxxxxxxxxxx" }));
  show("reset nul", await anon.post("/office/reset", { email: "a\u0000@b.org" }));
  show("users name nul", await a.post(`/office/users/${org.id}`, { name: "a\u0000", role: "organizer" }));
  show("users new nul", await a.post(`/office/users`, { email: "q\u0000@x.org", role: "organizer" }));
  const ev = await o.post("/office/events/new", { title: "t", address: "a", country: "ES", starts: "2031-01-01T00:00", ends: "2031-01-01T01:00", time_zone: "UTC", public: "1" });
  const id = /events\/([0-9a-f-]{36})/.exec(String(ev.headers.location))?.[1];
  const page = await anon.get(`/events/${id}`);
  const tok = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  const cookie = Object.entries(anon.cookies).map(([k, v]) => `${k}=${v}`).join("; ");
  show("rsvp nul", await node.app.inject({ method: "POST", url: `/events/${id}`, headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, payload: `_csrf=${encodeURIComponent(tok)}&name=a%00b&email=x%40y.org&consent=1` }));
  show("rsvp nul email", await node.app.inject({ method: "POST", url: `/events/${id}`, headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, payload: `_csrf=${encodeURIComponent(tok)}&name=ab&email=x%00%40y.org&consent=1` }));
  show("events list country", await anon.get(`/events?country=E%00`));
  show("correct nul", await o.post(`/office/reports/00000000-0000-4000-8000-000000000009/correct`, { key: "00000000-0000-4000-8000-00000000000a", quantity: "1", reason: "a\u0000" }));
  const rep = await o.post("/office/reports/new", { key: "00000000-0000-4000-8000-000000000001", case: "gao-zhisheng", country: "ES", date: "2012-12-05", quantity: "3" });
  show("report", rep);
  show("correct nul", await o.post(`/office/reports/00000000-0000-4000-8000-000000000001/correct`, { key: "00000000-0000-4000-8000-00000000000a", quantity: "1", reason: "a\u0000" }));
  show("csv nul", await o.postMultipart("/office/reports/import", {}, { field: "file", filename: "a.csv", contentType: "text/csv", data: Buffer.from("case,country,date,quantity,reason\ngao-zhisheng,ES,2012-12-05,3,a\u0000b\n") }));
  show("case nul", await a.post("/office/cases/new", { slug: "zz", country: "ES", title: "t\u0000", summary: "s", story: "s", ask: "a", "target-0-name": "n", "target-0-address": "a" }));
  show("translations lang nul", await a.post("/office/translations/languages", { language: "es\u0000" }));
  show("moderation one nul", await c.post("/office/moderation", { one: "approve:\u0000" }));
  show("multipart file on form", await c.postMultipart(`/office/sections/${node.runtime.sectionOf("ES")}`, { languages: "es" }, { field: "postal_address", filename: "a", contentType: "text/plain", data: Buffer.from("x") }));
  show("event year", await o.post(`/office/events/${id}`, { title: "t", address: "a", country: "ES", starts: "2031-01-01T00:00", ends: "2031-01-01T01:00", time_zone: "UTC", capacity: "0" }));
});
