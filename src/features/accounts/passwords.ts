import { hash, verify } from "@node-rs/argon2";

// Argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms here,
// slow enough for a stolen hash, fast enough for a login form.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

// Checked against when the email is unknown, so a wrong email costs the same time as a wrong
// password and response times do not reveal who has an account.
let dummy: Promise<string> | undefined;

export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword("not a password of anyone");
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** Which rule a new password breaks, or undefined when it is fine (length only, as NIST advises). */
export function passwordRule(password: string, email: string): "short" | "long" | "email" | undefined {
  if (password.length < MIN_PASSWORD) return "short";
  if (password.length > MAX_PASSWORD) return "long";
  if (password.trim().toLowerCase() === email.toLowerCase()) return "email";
  return undefined;
}

/** Why a new password is refused, in English (the command line), or undefined when it is fine. */
export function passwordProblem(password: string, email: string): string | undefined {
  const rule = passwordRule(password, email);
  if (rule === "short") return `Use at least ${MIN_PASSWORD} characters.`;
  if (rule === "long") return `Use at most ${MAX_PASSWORD} characters.`;
  return rule === "email" ? "Do not use your email as password." : undefined;
}
