import type { TestApp } from "../../../test/support/app.js";

// A valid case form for tests, as a browser would send it; override any field.

export function caseForm(
  t: TestApp,
  overrides: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  if (!campaign) throw new Error("no demo campaign");
  return {
    slug: "maria-test",
    country: "MX",
    source_language: "en",
    title: "María Test",
    summary: "A journalist threatened for her reporting.",
    story: "María reports on disappearances.\n\nShe has been threatened twice.",
    ask: "Protect María and investigate the threats.",
    sample_letter: "",
    photo_alt: "",
    cards_address: "María Test\nc/o Section MX\nMexico City",
    campaigns: String(campaign.id),
    [`position-${campaign.id}`]: "7",
    "target-0-name": "Attorney General",
    "target-0-title": "Mr",
    "target-0-address": "Fiscalía General\nAv. Reforma 211\nMexico City",
    "target-0-email": "fiscal@example.org",
    "target-1-name": "",
    "target-1-title": "",
    "target-1-address": "",
    "target-1-email": "",
    "target-2-name": "",
    "target-2-title": "",
    "target-2-address": "",
    "target-2-email": "",
    published: "1",
    ...overrides,
  };
}

/** Creates a case through the back office; returns its id. */
export async function createCase(
  t: TestApp,
  admin: {
    post(
      url: string,
      form: Record<string, string | string[]>,
    ): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
  },
  overrides: Record<string, string | string[]> = {},
): Promise<number> {
  const response = await admin.post("/office/cases/new", caseForm(t, overrides));
  if (response.statusCode !== 303)
    throw new Error(`case not created: ${response.statusCode} ${response.body.slice(0, 2000)}`);
  const match = /\/office\/cases\/(\d+)/.exec(String(response.headers.location));
  if (!match) throw new Error("no case id in the redirect");
  return Number(match[1]);
}
