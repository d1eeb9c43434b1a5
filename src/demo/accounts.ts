import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { createAccount } from "../office/accounts/create.js";

// One account per role for trying the back office. The password is random per installation,
// printed once at seeding and kept in the data directory (readable by its owner only), because
// a password published in a README would open every demo left running on a public address.

export const DEMO_ACCOUNTS = [
  { email: "admin@demo.inkwell.test", role: "admin", name: "Demo admin" },
  {
    email: "coordinator.es@demo.inkwell.test",
    role: "coordinator",
    name: "Demo coordinator (Spain)",
    countries: ["ES"],
  },
  {
    email: "translator.es@demo.inkwell.test",
    role: "translator",
    name: "Demo translator (Spanish)",
    languages: ["es"],
  },
  {
    email: "organizer.es@demo.inkwell.test",
    role: "organizer",
    name: "Demo organizer (Spain)",
    countries: ["ES"],
  },
];

export const demoLoginFile = (dataDir: string) => path.join(dataDir, "demo-logins.txt");

export async function seedDemoAccounts(pool: pg.Pool, dataDir: string): Promise<string> {
  const password = `demo-${randomBytes(9).toString("base64url")}`;
  for (const account of DEMO_ACCOUNTS) {
    await createAccount(pool, { ...account, password }, { id: null, label: "demo seed" });
  }
  const text = [
    "Inkwell demo logins (back office at /office):",
    ...DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(36)} ${a.role}`),
    `Password for all of them: ${password}`,
    "",
  ].join("\n");
  await writeFile(demoLoginFile(dataDir), text, { mode: 0o600 });
  return text;
}
