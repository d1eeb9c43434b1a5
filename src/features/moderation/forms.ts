import { type Static, Type } from "typebox";
import { messages } from "../../platform/http/forms.js";
import { Slug } from "../../platform/rules.js";
import { STATUSES } from "./queue.js";

// What the moderation page and its form accept. The queue's filter (status, case) travels in
// the query of the page and in hidden fields of the form; a decision names approve or reject.
// Message ids are checked by decide(): one that is not a message's is a 404, like another
// section's, so that the answer does not tell which ids exist.

const Status = Type.Union(
  STATUSES.map((status) => Type.Literal(status)),
  messages("office.translations.error.status", {}, "ids"),
);
const CaseSlug = Slug(messages("office.moderation.error.case", {}, "ids"));
const Decision = Type.Union([Type.Literal("approve"), Type.Literal("reject")]);
const Ids = Type.Array(Type.String({ maxLength: 100 }));

export const ModerationQuery = Type.Object({
  status: Type.Optional(Status),
  case: Type.Optional(CaseSlug),
  /** After a decision: which one, and how many messages it changed. */
  done: Type.Optional(Decision),
  n: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const DecisionForm = Type.Object({
  status: Type.Optional(Status),
  case: Type.Optional(CaseSlug),
  decision: Type.Optional(
    Type.Union(Decision.anyOf, messages("office.moderation.error.decision", {}, "ids")),
  ),
  /** A message's own button: "approve:<id>" or "reject:<id>". */
  one: Type.Optional(
    Type.String({
      pattern: "^(approve|reject):.+$",
      maxLength: 120,
      ...messages("office.moderation.error.decision", {}, "ids"),
    }),
  ),
  ids: Ids,
  // Some clients (and old pages) name a list "ids[]".
  "ids[]": Ids,
});
export type DecisionBody = Static<typeof DecisionForm>;
