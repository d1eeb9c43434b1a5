import { isCountryCode } from "../../../core/ledger/intake.js";
import { canonicalLanguage } from "../../../platform/rules.js";
import { type Errors, officeMessages, ot } from "../../office/index.js";
import {
  type CaseField,
  emptyTexts,
  FIELDS,
  type FieldName,
  MAX_LENGTH,
  parseField,
  type TargetPart,
  type Texts,
} from "../../translations/index.js";
import type { CaseBody } from "./schemas.js";

// A case as the back office edits it: where it is featured, its source texts, its targets and
// where solidarity cards go. Read from the validated form, checked as a whole, then written in
// one transaction by saveCase (queries.ts).

/** Target rows in the form: the case's targets and this many blank ones to add more. */
export const SPARE_TARGETS = 2;
export const MIN_TARGET_ROWS = 3;

/** Body limit of the forms that carry a case's texts: urlencoded non-Latin text takes up to
 * 9 bytes a character. */
export const TEXT_FORM_LIMIT = 1024 * 1024;

export { MAX_LENGTH };

// Labels are messages (office.field.…), read when a page is made, in its language.
const CASE_LABELS: Record<CaseField, string> = {
  title: "office.field.title",
  summary: "office.field.summary",
  story: "office.field.story",
  ask: "office.field.ask",
  sample_letter: "office.field.sampleLetter",
  photo_alt: "office.field.photoAlt",
  cards_address: "office.field.cardsAddress",
};

const TARGET_LABELS: Record<TargetPart, string> = {
  title: "office.field.target.title",
  salutation: "office.field.target.salutation",
  address: "office.field.target.address",
};

/** A field's label; a target's fields are named after the target ("Target 1 (Gao Zhisheng): title"). */
export function fieldLabel(field: FieldName, targets: { id: number; name: string }[] = []): string {
  const parsed = parseField(field);
  if (!parsed) return field;
  if (parsed.kind === "case") return ot(CASE_LABELS[parsed.field]);
  const index = targets.findIndex((t) => t.id === parsed.targetId);
  const part = ot(TARGET_LABELS[parsed.part]);
  return index >= 0
    ? ot("office.field.targetNamed", { n: index + 1, name: targets[index]?.name ?? "", part })
    : ot("office.field.targetPart", { part });
}

/** Labels of the case's own fields, as message keys. */
export const FIELD_LABELS = CASE_LABELS;

export interface TargetDraft {
  /** The stored target this row edits; undefined for a new one. */
  id?: number;
  name: string;
  title: string;
  salutation: string;
  postalAddress: string;
  email: string;
}

export interface CaseDraft {
  slug: string;
  country: string;
  sourceLanguage: string;
  texts: Texts;
  targets: TargetDraft[];
  /** Campaign id → position. */
  campaigns: Map<number, number>;
  published: boolean;
  /**
   * The change is substantial (a new ask, a release): translations of the changed fields leave
   * the public site until approved again. Otherwise they stay, marked outdated.
   */
  substantial: boolean;
}

export interface CampaignOption {
  id: number;
  slug: string;
  title: string;
  startsAt: Date;
}

/** The case as stored, for the form and for the audit log. */
export interface StoredCase {
  id: number;
  slug: string;
  country: string;
  sourceLanguage: string;
  published: boolean;
  photoId: string | null;
  texts: Texts;
  targets: TargetDraft[];
  campaigns: { id: number; position: number }[];
}

/** Multi-line texts keep their lines; line endings are made uniform (and lengths counted so). */
const block = (value: string | undefined) => (value ?? "").replace(/\r\n?/g, "\n");

/** How many target rows a form sent (the rows are numbered target-0-…, target-1-…). */
function targetRowsSent(body: CaseBody): number {
  let highest = -1;
  for (const key of Object.keys(body)) {
    const match = /^target-(\d{1,2})-/.exec(key);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

/** Rows the form shows: up to the last filled one, then blank ones to add more. */
export function targetRowsOf(draft: CaseDraft): number {
  let last = -1;
  draft.targets.forEach((t, i) => {
    if (!blankTarget(t)) last = i;
  });
  return Math.max(last + 1 + SPARE_TARGETS, MIN_TARGET_ROWS);
}

/** The draft a post describes; the schema has already trimmed it and checked each field. */
export function draftOf(body: CaseBody): CaseDraft {
  const texts = emptyTexts();
  for (const field of FIELDS) texts[field] = block(body[field]);
  const targets: TargetDraft[] = [];
  for (let i = 0; i < targetRowsSent(body); i++) {
    const id = body[`target-${i}-id`];
    targets.push({
      id: id && /^\d{1,9}$/.test(id) ? Number(id) : undefined,
      name: body[`target-${i}-name`] ?? "",
      title: body[`target-${i}-title`] ?? "",
      salutation: body[`target-${i}-salutation`] ?? "",
      postalAddress: block(body[`target-${i}-address`]),
      email: body[`target-${i}-email`] ?? "",
    });
  }
  const campaigns = new Map<number, number>();
  for (const id of body.campaigns ?? []) {
    const position = body[`position-${Number(id)}`] ?? "";
    campaigns.set(Number(id), position === "" ? 0 : Number(position));
  }
  return {
    slug: (body.slug ?? "").toLowerCase(),
    country: (body.country ?? "").toUpperCase(),
    sourceLanguage: body.source_language ?? "",
    texts,
    targets,
    campaigns,
    published: body.published !== undefined,
    substantial: body.substantial !== undefined,
  };
}

const blankTarget = (t: TargetDraft) => !t.name && !t.title && !t.salutation && !t.postalAddress && !t.email;
export const filledTargets = (draft: CaseDraft) => draft.targets.filter((t) => !blankTarget(t));

/**
 * What the schema cannot say field by field: a known country and language, lengths once line
 * endings are uniform, complete target rows, known editions. Slug uniqueness is checked on insert.
 */
export function validate(draft: CaseDraft, campaigns: CampaignOption[], isNew: boolean): Errors {
  const errors: Errors = {};
  if (!isCountryCode(draft.country)) errors.country = "office.cases.error.country";
  if (isNew && !canonicalLanguage(draft.sourceLanguage))
    errors.source_language = "office.cases.error.language";
  for (const field of FIELDS) {
    if (draft.texts[field].length > MAX_LENGTH[field])
      errors[field] = ot("office.translations.error.tooLong", {
        max: officeMessages().number(MAX_LENGTH[field]),
      });
  }
  draft.targets.forEach((t, i) => {
    if (blankTarget(t)) return;
    const at200 = ot("office.translations.error.tooLong", { max: officeMessages().number(200) });
    if (t.name === "" || t.name.length > 200) errors[`target-${i}-name`] = "office.cases.error.targetName";
    if (t.title.length > 200) errors[`target-${i}-title`] = at200;
    if (t.salutation.length > 200) errors[`target-${i}-salutation`] = at200;
    if (t.postalAddress === "" || t.postalAddress.length > 1000)
      errors[`target-${i}-address`] = "office.cases.error.targetAddress";
  });
  if (filledTargets(draft).length === 0) errors["target-0-name"] ??= "office.cases.error.noTarget";
  const known = new Set(campaigns.map((c) => c.id));
  for (const [id, position] of draft.campaigns) {
    if (!known.has(id)) errors.campaigns = "office.cases.error.editions";
    else if (!Number.isInteger(position) || position < 0 || position > 999)
      errors[`position-${id}`] = "office.cases.error.position";
  }
  return errors;
}

export const draftFromStored = (stored: StoredCase): CaseDraft => ({
  slug: stored.slug,
  country: stored.country,
  sourceLanguage: stored.sourceLanguage,
  texts: { ...stored.texts },
  targets: stored.targets,
  campaigns: new Map(stored.campaigns.map((c) => [c.id, c.position])),
  published: stored.published,
  substantial: false,
});

export class SaveRefused extends Error {
  constructor(readonly errors: Errors) {
    super("refused");
  }
}
