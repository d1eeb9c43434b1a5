import type { Privacy } from "./privacy/privacy.js";

// The key a petition signature is unique by (signatures.person_key): who the email belongs to,
// as personalEmail reads it, as the keyed hash the supporters are found by (Privacy.emailKey),
// in base64 — so a copy of the database does not say who signed, and a signature's person is
// its supporter's email_key (encode(email_key, 'base64') in SQL). Computed here and nowhere else.

/** The one person an email stands for, as signatures store and compare it. */
export function personKey(privacy: Privacy, email: string): string {
  return privacy.emailKey(email).toString("base64");
}
