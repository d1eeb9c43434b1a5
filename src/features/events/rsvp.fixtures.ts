import assert from "node:assert/strict";
import type { TestApp } from "../../../test/support/app.js";
import { opened } from "../../../test/support/personal.js";

// What the RSVP tests share: the confirmation link as the email carries it, and pressing the
// button of the page it opens, as a browser does from that page.

export interface ConfirmLink {
  /** The page's path, with its language: /en/events/<id>/confirm. */
  path: string;
  token: string;
}

/** The link in the newest mail to `email`. */
export async function confirmLink(t: TestApp, email: string): Promise<ConfirmLink> {
  // The outbox holds mail sealed; the test opens it as the node's delivery does.
  const [mail] = await opened(
    t.db,
    "SELECT body_sealed FROM outbox WHERE recipient_key = $1 ORDER BY id DESC LIMIT 1",
    [t.db.privacy.emailKey(email)],
  );
  const body = String(mail?.body ?? "");
  const found = /https?:\/\/[^/\s]+(\/[^\s?]+\/confirm)\?token=([\w-]+)/.exec(body);
  assert.ok(found?.[1] && found[2], `a confirmation link was mailed to ${email}`);
  return { path: found[1], token: found[2] };
}

export const pressConfirm = (t: TestApp, link: ConfirmLink, token = link.token) =>
  t.app.inject({
    method: "POST",
    url: link.path,
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: new URLSearchParams({ token }).toString(),
  });
