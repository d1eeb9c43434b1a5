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
  language: LanguageTag(messages("Enter a language tag, e.g. sw or pt-BR.")),
});

export const EditorParams = Type.Object({
  caseId: Type.String({ description: "The case's number" }),
  language: Type.String({ description: "The language of the translation" }),
});

export const EditorQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

const Status = Type.Union(
  [Type.Literal(KEEP), Type.Literal("draft"), Type.Literal("needs_review"), Type.Literal("approved")],
  messages("Choose a status from the list."),
);

/** text-<field> and status-<field> for each field; a field the form leaves out stays as it is. */
export const TranslationForm = Type.Object({
  "text-title": Type.Optional(Type.String()),
  "status-title": Type.Optional(Status),
  "text-summary": Type.Optional(Type.String()),
  "status-summary": Type.Optional(Status),
  "text-story": Type.Optional(Type.String()),
  "status-story": Type.Optional(Status),
  "text-ask": Type.Optional(Type.String()),
  "status-ask": Type.Optional(Status),
  "text-sample_letter": Type.Optional(Type.String()),
  "status-sample_letter": Type.Optional(Status),
  "text-photo_alt": Type.Optional(Type.String()),
  "status-photo_alt": Type.Optional(Status),
});

export type TranslationBody = Static<typeof TranslationForm>;
