import { randomBytes, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { createAccount } from "../features/accounts/create.js";

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

// Two upcoming public events of the demo organizer, so the events page and map have something.
const DEMO_EVENTS = [
  [
    "Letter-writing marathon at the library",
    "Biblioteca Pública, Calle de Tirso de Molina 1, Madrid",
    40.4125,
    -3.7038,
    2,
    10,
  ],
  ["Write for Rights café evening", "Carrer de l'Hospital 56, Barcelona", 41.3814, 2.1708, 5, 18],
] as const;

export const demoLoginFile = (dataDir: string) => path.join(dataDir, "demo-logins.txt");

export async function seedDemoAccounts(pool: pg.Pool, dataDir: string): Promise<string> {
  const password = `demo-${randomBytes(9).toString("base64url")}`;
  for (const account of DEMO_ACCOUNTS) {
    await createAccount(pool, { ...account, password }, { id: null, label: "demo seed" });
  }
  const campaign = await pool.query<{ id: number }>(
    "SELECT id FROM campaigns WHERE starts_at <= now() AND ends_at > now() ORDER BY starts_at DESC LIMIT 1",
  );
  const organizer = await pool.query<{ id: number }>("SELECT id FROM users WHERE email = $1", [
    DEMO_ACCOUNTS[3]?.email,
  ]);
  if (campaign.rows[0] && organizer.rows[0]) {
    for (const [title, address, latitude, longitude, inDays, hour] of DEMO_EVENTS) {
      await pool.query(
        `INSERT INTO events (id, campaign_id, organizer_id, title, address, country, latitude, longitude,
                             starts_at, ends_at, time_zone, capacity)
         VALUES ($1, $2, $3, $4, $5, 'ES', $6, $7,
                 (date_trunc('day', now() AT TIME ZONE 'Europe/Madrid') + make_interval(days => $8, hours => $9))
                   AT TIME ZONE 'Europe/Madrid',
                 (date_trunc('day', now() AT TIME ZONE 'Europe/Madrid') + make_interval(days => $8, hours => $9 + 3))
                   AT TIME ZONE 'Europe/Madrid',
                 'Europe/Madrid', 30)`,
        [
          randomUUID(),
          campaign.rows[0].id,
          organizer.rows[0].id,
          title,
          address,
          latitude,
          longitude,
          inDays,
          hour,
        ],
      );
    }
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
