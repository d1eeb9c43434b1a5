import { Type } from "typebox";
import { FILE, messages } from "../../platform/http/forms.js";
import { QueryText } from "../../platform/http/query.js";
import { Uuid } from "../../platform/rules.js";
import { officeKey } from "../office/index.js";
import { MAX_QUANTITY, MAX_REASON } from "./reports.js";

// The schemas of the reports' routes. A report's own fields (case, type, country, date,
// quantity, event) are plain text here: the same checks serve the form and every row of a CSV
// file (checkReport), and their messages name the value that was wrong.

/** The form's key is minted with the page: without a well-formed one the form is stale or forged. */
export const FORM_INCOMPLETE = "office.reports.error.incomplete";
const Key = Uuid(messages(FORM_INCOMPLETE));
const Text = Type.Optional(Type.String());

export const ListQuery = Type.Object({
  before: QueryText({ description: "The last report of the page before: older ones follow" }),
  done: QueryText({ description: "The report just recorded, for the notice" }),
  imported: QueryText({ description: "The import just confirmed, for the notice" }),
  again: QueryText({ description: "Set when the import had been confirmed already" }),
});

export const NewQuery = Type.Object({
  event: QueryText({ description: "The event to report for: prefills its country and day" }),
});

export const ReportForm = Type.Object({
  key: Key,
  case: Text,
  type: Text,
  country: Text,
  date: Text,
  quantity: Text,
  event: Text,
  /** The quantity confirmed after "are you sure?" (above 20 letters a place of the event). */
  sure: Text,
});

export const ReportParams = Type.Object({
  // Any text: an id that is not a UUID names no report and is answered 404, like an unknown one.
  id: Type.String(),
});

const TOTAL = officeKey("office.reports.error.total", { max: MAX_QUANTITY });
// Hidden fields, read as text: a forged or missing one is a stale form, not an error to show.
const Count = Text;

export const CorrectionForm = Type.Object({
  key: Key,
  /** The new total of the report, not a change: what was typed is what counts. */
  total: Type.String({ pattern: "^\\d{1,7}$", ...messages(TOTAL) }),
  /** The total the form was opened with; a different one now means someone corrected it meanwhile. */
  counted: Count,
  /** The total confirmed after "are you sure?". */
  sure: Count,
  reason: Type.String({
    maxLength: MAX_REASON,
    ...messages(officeKey("office.reports.error.reasonLong", { max: MAX_REASON }), {
      required: "office.reports.error.reasonRequired",
    }),
  }),
});

export const ImportUpload = Type.Object({
  // A Buffer from @fastify/multipart; text when a client sent the file as a plain field.
  file: Type.Optional(Type.Unsafe<Buffer | string>({ ...FILE, description: "The CSV file" })),
});

export const ImportConfirm = Type.Object({
  import: Uuid(messages("office.problem.notFound.import")),
});

export const CsvResponse = {
  200: { content: { "text/csv": { schema: Type.String({ description: "A CSV file" }) } } },
};
