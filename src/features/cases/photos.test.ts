import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { createCase } from "./fixtures.js";
import { resizePhoto } from "./office/photos.js";

let t: TestApp;
let admin: OfficeClient;
let caseId: number;
before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
  caseId = await createCase(t, admin, { slug: "photo-case", photo_alt: "María smiling at a window" });
});
after(async () => {
  await t.close();
});

/** A photo as a phone makes it: with the author's name, a GPS position and an orientation. */
const phonePhoto = (width: number, height: number, orientation = 1) =>
  sharp({ create: { width, height, channels: 3, background: { r: 180, g: 40, b: 20 } } })
    .jpeg()
    .withExif({
      IFD0: { Artist: "SECRET-ARTIST-42" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2976/100" },
    })
    .withMetadata({ orientation })
    .toBuffer();

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 0, g: 90, b: 160 } } })
    .png()
    .toBuffer();

const upload = (data: Buffer, filename = "photo.jpg", contentType = "image/jpeg") =>
  admin.postMultipart(`/office/cases/${caseId}/photo`, {}, { field: "photo", filename, contentType, data });

const photoRows = async () =>
  (
    await t.db.pool.query("SELECT set_id, width, height FROM case_photos WHERE case_id = $1 ORDER BY width", [
      caseId,
    ])
  ).rows;

const photoAudits = async () =>
  (
    await t.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'case' AND action LIKE 'photo%' AND entity_id = $1",
      [String(caseId)],
    )
  ).rows[0].n as number;

test("resizing never enlarges, turns the photo upright and keeps no metadata", async () => {
  const variants = await resizePhoto(await phonePhoto(800, 600, 6));
  // Upright the photo is 600 × 800: a 400 px variant and the photo itself, not enlarged to 1200.
  assert.deepEqual(
    variants.map((v) => [v.width, v.height]),
    [
      [400, 533],
      [600, 800],
    ],
  );
  for (const v of variants) {
    const meta = await sharp(v.bytes).metadata();
    assert.equal(meta.format, "webp");
    assert.equal(meta.exif, undefined);
    assert.equal(meta.orientation, undefined);
    assert.ok(!v.bytes.includes("SECRET-ARTIST-42"));
  }
});

test("an uploaded photo is resized, stripped, served with long cache headers and shown on the case page", async () => {
  const response = await upload(await phonePhoto(1600, 1000));
  assert.equal(response.statusCode, 303, response.body.slice(0, 500));
  const rows = await photoRows();
  assert.deepEqual(
    rows.map((r) => [r.width, r.height]),
    [
      [400, 250],
      [1200, 750],
    ],
  );
  const setId = rows[0].set_id;
  const stored = (await t.db.pool.query("SELECT photo_id FROM cases WHERE id = $1", [caseId])).rows[0];
  assert.equal(stored.photo_id, setId);

  for (const width of [400, 1200]) {
    const served = await t.app.inject({ method: "GET", url: `/photos/${setId}/${width}.webp` });
    assert.equal(served.statusCode, 200);
    assert.equal(served.headers["content-type"], "image/webp");
    assert.match(String(served.headers["cache-control"]), /max-age=31536000.*immutable/);
    const meta = await sharp(served.rawPayload).metadata();
    assert.equal(meta.width, width);
    assert.equal(meta.exif, undefined, "no EXIF (no GPS position) is served");
    assert.ok(!served.rawPayload.includes("SECRET-ARTIST-42"));
  }
  assert.equal((await t.app.inject({ method: "GET", url: `/photos/${setId}/800.webp` })).statusCode, 404);
  assert.equal(
    (await t.app.inject({ method: "GET", url: "/photos/00000000-0000-4000-8000-000000000000/400.webp" }))
      .statusCode,
    404,
  );
  assert.equal((await t.app.inject({ method: "GET", url: "/photos/not-a-uuid/400.webp" })).statusCode, 404);

  const page = await t.app.inject({ method: "GET", url: "/en/cases/photo-case" });
  assert.equal(page.statusCode, 200);
  const img = /<img [^>]*>/.exec(page.body)?.[0] ?? "";
  assert.match(img, new RegExp(`srcset="/photos/${setId}/400.webp 400w, /photos/${setId}/1200.webp 1200w"`));
  assert.match(img, /width="1200"/);
  assert.match(img, /height="750"/);
  assert.match(img, /alt="María smiling at a window"/);
  assert.match(img, /loading="eager"/);
  assert.match(img, /decoding="async"/);
  assert.match(img, /sizes="/);

  const audit = (
    await t.db.pool.query(
      "SELECT after FROM audit_log WHERE entity = 'case' AND entity_id = $1 AND action = 'photo'",
      [String(caseId)],
    )
  ).rows;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].after.photoId, setId);

  // A new photo replaces the old one, which is not kept.
  assert.equal((await upload(await png(900, 900), "new.png", "image/png")).statusCode, 303);
  const replaced = await photoRows();
  assert.deepEqual(
    replaced.map((r) => r.width),
    [400, 900],
  );
  assert.notEqual(replaced[0].set_id, setId);
  assert.equal((await t.app.inject({ method: "GET", url: `/photos/${setId}/400.webp` })).statusCode, 404);

  // Removed: no photo on the page, nothing stored.
  assert.equal((await admin.post(`/office/cases/${caseId}/photo/remove`)).statusCode, 303);
  assert.deepEqual(await photoRows(), []);
  const without = await t.app.inject({ method: "GET", url: "/en/cases/photo-case" });
  assert.ok(!without.body.includes("<img"));
});

test("non-images, small and huge images are refused with 422; files over 10 MB with 413", async () => {
  const before = await photoRows();
  const auditsBefore = await photoAudits();
  const refusals: [Buffer, string, string, RegExp][] = [
    [
      Buffer.from("this is a text file, not a photo\n".repeat(100)),
      "photo.jpg",
      "image/jpeg",
      /not an image/,
    ],
    [await png(300, 600), "small.png", "image/png", /300 px wide/],
    [
      await sharp(await png(500, 500))
        .gif()
        .toBuffer(),
      "anim.gif",
      "image/gif",
      /JPEG, PNG or WebP/,
    ],
    // 8000 × 5100 = 40.8 megapixels, a small file because it is one colour.
    [await png(8000, 5100), "huge.png", "image/png", /too large/],
  ];
  for (const [data, filename, type, message] of refusals) {
    const response = await upload(data, filename, type);
    assert.equal(response.statusCode, 422, filename);
    assert.match(response.body, message);
    assert.match(response.body, /id="f-photo"/);
  }
  const none = await admin.postMultipart(`/office/cases/${caseId}/photo`, {});
  assert.equal(none.statusCode, 422);

  const oversized = await upload(Buffer.alloc(10 * 1024 * 1024 + 1024, 7), "big.jpg", "image/jpeg");
  assert.equal(oversized.statusCode, 413);
  assert.deepEqual(await photoRows(), before);
  assert.equal(await photoAudits(), auditsBefore, "a refused upload is not in the audit log");
});

test("only admins upload photos", async () => {
  const translator = await officeClient(t, await makeUser(t, "translator", { languages: ["es"] }));
  const response = await translator.postMultipart(
    `/office/cases/${caseId}/photo`,
    {},
    { field: "photo", filename: "p.png", contentType: "image/png", data: await png(800, 600) },
  );
  assert.equal(response.statusCode, 403);
});
