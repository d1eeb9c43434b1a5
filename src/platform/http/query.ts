import { type TSchemaOptions, Type } from "typebox";

// Query strings of pages people reach from links and filter forms. A name repeated in the query
// string (?a=1&a=2) arrives as a list; a page treats such a value as not given rather than
// answering 400 to a URL that was hand-edited or pasted twice.

/** An optional query-string value: one text, or the list a repeated name makes. */
export const QueryText = (options: TSchemaOptions = {}) =>
  Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], options));

/** The value of a query-string name given once, else undefined. */
export const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === "string" ? value : undefined;
