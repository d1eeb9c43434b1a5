import { type Static, Type } from "typebox";
import { messages } from "../../platform/http/forms.js";
import { LanguageTag } from "../../platform/rules.js";

/** The status choice that keeps an outdated field as it is. */
export const KEEP = "outdated";

// The translation pages' addresses and forms, as TypeBox schemas. A malformed case number or
// language in an editor address names no translation (404), so the params are plain text.

/** `campaign` picks the edition (the current one when absent); `done` names a notice. */
export const OverviewQuery = Type.Object({
  campaign: Type.Optional(Type.String({ maxLength: 100, description: "An edition's slug" })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
});

export const LanguageForm = Type.Object({
  language: LanguageTag(messages("office.translations.error.tag")),
});

export const EditorParams = Type.Object({
  caseId: Type.String({ description: "The case's number" }),
  language: Type.String({ description: "The language of the translation" }),
});

export const EditorQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

const Status = Type.Union(
  [Type.Literal(KEEP), Type.Literal("draft"), Type.Literal("needs_review"), Type.Literal("approved")],
  messages("office.translations.error.status"),
);

const CASE_FIELDS = "title|summary|story|ask|sample_letter|photo_alt|cards_address";
const TARGET_FIELDS = "target\\.\\d{1,9}\\.(?:title|salutation|address)";

/**
 * text-<field> and status-<field> for each field (the case's, and target.<id>.<part> for each
 * target's); a field the form leaves out stays as it is.
 */
export const TranslationForm = Type.Object(
  {},
  {
    patternProperties: {
      [`^text-(?:${CASE_FIELDS}|${TARGET_FIELDS})$`]: Type.String(),
      [`^status-(?:${CASE_FIELDS}|${TARGET_FIELDS})$`]: Status,
    },
  },
);

export type TranslationBody = Static<typeof TranslationForm> & Record<string, string | undefined>;

/** Which of a section's languages need a second person to approve: review-<section id>-<tag>. */
export const ReviewForm = Type.Object(
  {},
  { patternProperties: { "^review-\\d{1,9}-[A-Za-z0-9-]{1,35}$": Type.String() } },
);
export type ReviewBody = Record<string, string | undefined>;
