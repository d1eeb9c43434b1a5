// The shape of the demo edition that `inkwell seed` writes into an empty database.
// Dates are not stored here: the seeder replays the 2012 edition so that it is open today,
// and places the 2011 edition one year earlier.

export type ActionType = "letter" | "solidarity" | "petition" | "email" | "sms" | "social";

export interface DemoTarget {
  name: string;
  title: string;
  /** Postal address, one line per element, as it would be printed on an envelope. */
  address: string[];
  email?: string;
}

export interface DemoCaseText {
  /** Display name of the person or community, e.g. "Gao Zhisheng". */
  title: string;
  /** One or two sentences shown on cards. */
  summary: string;
  /** A few factual, respectful paragraphs. */
  story: string;
  /** What supporters ask the target to do. */
  ask: string;
}

export interface DemoCase {
  slug: string;
  /** ISO 3166-1 alpha-2 of the country where the person or community is at risk. */
  country: string;
  /** Per-language texts, keyed by BCP 47 tag; "en" is required. */
  texts: Record<string, DemoCaseText>;
  targets: DemoTarget[];
  /** Relative popularity when the simulator and the 2011 replay pick a case (any positive number). */
  weight: number;
}

export interface DemoSection {
  /** ISO 3166-1 alpha-2. */
  country: string;
  name: string;
  /** BCP 47 tags, first is the section's default. */
  languages: string[];
  /** Share of all actions that come from this country (any positive number, relative). */
  weight: number;
  /** Local goal for the 2012 edition, in actions. */
  goal: number;
}

export interface DemoCampaign {
  slug: string;
  title: string;
  year: number;
  goal: number;
  /** Length of the edition in days. */
  days: number;
}
