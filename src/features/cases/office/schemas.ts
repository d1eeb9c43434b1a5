import { type Static, Type } from "typebox";
import { OTHER_CASES } from "../../../core/counter/presenter.js";
import { FILE, messages } from "../../../platform/http/forms.js";
import { Email, LanguageTag, SLUG_PATTERN } from "../../../platform/rules.js";

// The case forms of the back office, each a TypeBox schema: the route validates a post with it
// and each rule names the sentence shown beside its field. What needs the whole form (a target
// row is either empty or complete, editions exist, lengths once line endings are uniform) is
// checked by `validate` in model.ts.

/** A case's number in the address; anything else names no case (404, not 400). */
export const CaseParams = Type.Object({ id: Type.String({ description: "The case's number" }) });

/** `done` names the notice after a redirect, e.g. ?done=saved. */
export const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

const required = (sentence: string) => Type.String(messages(sentence, { required: sentence }));

const sharedFields = {
  country: Type.String({
    pattern: "^[A-Za-z]{2}$",
    ...messages("office.cases.error.country"),
  }),
  title: required("office.cases.error.title"),
  summary: required("office.cases.error.summary"),
  story: required("office.cases.error.story"),
  ask: required("office.cases.error.ask"),
  sample_letter: Type.Optional(Type.String()),
  photo_alt: Type.Optional(Type.String()),
  cards_address: Type.Optional(Type.String()),
  substantial: Type.Optional(Type.String()),
  campaigns: Type.Array(Type.String({ pattern: "^\\d{1,9}$" }), messages("office.cases.error.editions")),
  published: Type.Optional(Type.String()),
};

// Target rows and edition positions are numbered: target-0-name…, position-<edition id>.
const numberedFields = {
  patternProperties: {
    "^target-\\d{1,2}-(name|title|salutation|address)$": Type.String(),
    "^target-\\d{1,2}-id$": Type.String({ pattern: "^\\d{1,9}$" }),
    "^target-\\d{1,2}-email$": Email(messages("office.cases.error.email")),
    "^position-\\d{1,9}$": Type.String(),
  },
};

type TargetPart = "id" | "name" | "title" | "salutation" | "address" | "email";
/** The numbered fields the patterns allow, as the handler reads them. */
export type NumberedFields = {
  [name: `target-${number}-${TargetPart}`]: string | undefined;
  [name: `position-${number}`]: string | undefined;
};

export const NewCaseForm = Type.Object(
  {
    // "other" names, in the public counter, the sum of the cases that are not featured.
    slug: Type.String({
      pattern: `^(?!${OTHER_CASES}$)${SLUG_PATTERN.slice(1)}`,
      // The message names the reserved slug ("other") in its words.
      ...messages("office.cases.error.slug"),
    }),
    source_language: LanguageTag(messages("office.cases.error.language")),
    ...sharedFields,
  },
  numberedFields,
);

/** An edit keeps the slug and the source language: they are not part of the form. */
export const EditCaseForm = Type.Object(sharedFields, numberedFields);

export type CaseBody = Partial<Static<typeof NewCaseForm>> & NumberedFields;

export const PhotoForm = Type.Object({
  photo: Type.Unknown({ ...FILE, ...messages("office.cases.error.photo") }),
});

/** A button's post: nothing but the CSRF token. */
export const ButtonForm = Type.Object({});
