import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";

// The audit log browser: filters from the query string, a page at a time.

let node: TestApp;
before(async () => {
  node = await startTestApp();
});
after(async () => node.close());

test("the next page of the audit log keeps the filters, and a filter given twice is ignored", async () => {
  await node.db.pool.query(
    `INSERT INTO audit_log (actor, action, entity, entity_id)
     SELECT 'cli', 'paged', 'paging-test', n::text FROM generate_series(1, 60) AS n`,
  );
  const admin = await officeClient(node, await makeUser(node, "admin"));
  const first = await admin.get("/office/audit?entity=paging-test&action=paged&id=&foo=bar");
  assert.equal(first.statusCode, 200);
  const next = /href="\/office\/audit\?([^"]+)">Older changes/.exec(first.body)?.[1];
  assert.ok(next, "a link to older changes");
  const params = new URLSearchParams(next.replaceAll("&amp;", "&"));
  assert.equal(params.get("entity"), "paging-test");
  assert.equal(params.get("action"), "paged");
  assert.ok(/^\d+$/.test(params.get("before") ?? ""));
  const second = await admin.get(`/office/audit?${params}`);
  assert.equal(second.statusCode, 200);
  assert.equal((second.body.match(/<td>paging-test /g) ?? []).length, 10);

  const twice = await admin.get("/office/audit?entity=paging-test&entity=user&action=paged");
  assert.equal(twice.statusCode, 200);
  assert.match(twice.body, /Older changes/, "the entity filter was dropped, the action kept");
});
