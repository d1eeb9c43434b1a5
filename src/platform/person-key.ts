import { personalEmail } from "./rules.js";

// The key a petition signature is unique by (signatures.person_key): who the email belongs to,
// as personalEmail reads it. It is computed here and nowhere else, so that it can become a keyed
// hash of that address (encryption at rest) by changing this one function and re-keying the
// column; nothing compares it with an email anywhere else.

/** The one person an email stands for, as signatures store and compare it. */
export function personKey(email: string): string {
  return personalEmail(email);
}
