import { Type } from "typebox";
import { FILE } from "../../../platform/http/forms.js";
import { FORMATS } from "./units.js";

// The exchange's addresses and upload form, as TypeBox schemas.

export const ExportQuery = Type.Object({
  language: Type.String({ maxLength: 35, description: "The language to translate into" }),
  format: Type.Union(
    FORMATS.map((f) => Type.Literal(f)),
    { description: "xliff2 (XLIFF 2.0), xliff12 (XLIFF 1.2) or po (gettext PO)" },
  ),
  case: Type.Optional(
    Type.String({
      maxLength: 100,
      description: "One case's slug; every case of the edition when absent or empty",
    }),
  ),
  campaign: Type.Optional(
    Type.String({ maxLength: 100, description: "An edition's slug; the current one when absent" }),
  ),
});

export const ExportResponses = {
  200: {
    content: Object.fromEntries(
      ["application/xliff+xml", "application/x-xliff+xml", "text/x-gettext-translation"].map((type) => [
        type,
        { schema: Type.String({ description: "An exchange file" }) },
      ]),
    ),
  },
};

export const ImportUpload = Type.Object({
  // A Buffer from @fastify/multipart; text when a client sent the file as a plain field.
  file: Type.Optional(Type.Unsafe<Buffer | string>({ ...FILE, description: "The translated file" })),
  language: Type.Optional(
    Type.String({ maxLength: 35, description: "The language the file must be a translation into" }),
  ),
  approve: Type.Optional(
    Type.String({ maxLength: 10, description: "Approve the units the file marks as final" }),
  ),
});

/** The language an import must be a translation into, when the address names it. */
export const ImportQuery = Type.Object({
  language: Type.Optional(
    Type.String({ maxLength: 35, description: "The language the file must be a translation into" }),
  ),
});
