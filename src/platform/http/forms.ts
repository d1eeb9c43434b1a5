import type { FastifyRequest, FastifySchema, preValidationHookHandler } from "fastify";
import type { TObject, TSchema } from "typebox";

// HTML forms validated by their route's TypeBox schema, like the JSON API — but a person gets the
// errors beside each field, in their language, instead of a 400. A form schema says, per field,
// which message to show when a rule fails (`messages`), and the route answers with the page.
//
//   const SignForm = Type.Object({ email: Email(messages("form.error.email", { required: "form.error.required" })) });
//   app.post("/x", formRoute(SignForm), async (request, reply) => {
//     const errors = formErrors(request);            // {} when valid; then request.body is typed
//   });

/** The keywords Ajv must accept in form schemas (registered in src/server/app.ts). */
export const FORM_KEYWORDS = ["x-messages", "x-field", "x-file"];

type Messages = Record<string, string>;

/**
 * Schema options naming the message for a failing field: `fallback` for any rule, or one per Ajv
 * keyword (`required` also covers a blank field). `field` files the error under another name
 * (e.g. a hidden key's error belongs to the whole form).
 */
export function messages(fallback: string, byRule: Messages = {}, field?: string): Record<string, unknown> {
  return { "x-messages": { "*": fallback, ...byRule }, ...(field ? { "x-field": field } : {}) };
}

/** A file field of a multipart form: passed through as the Buffer @fastify/multipart made. */
export const FILE = { "x-file": true };

const clean = (value: unknown): string | undefined => {
  if (typeof value !== "string") return undefined;
  // PostgreSQL refuses NUL in text: dropped here rather than failing the form with a 500.
  const text = value.replaceAll("\u0000", "").trim();
  return text === "" ? undefined : text;
};

/** A keyword of a field's schema: TypeBox's types name only the standard ones. */
const keyword = (schema: TSchema | undefined, name: string): unknown =>
  schema ? (schema as Record<string, unknown>)[name] : undefined;

const isArraySchema = (schema: TSchema | undefined) => keyword(schema, "type") === "array";

// A schema's patternProperties, compiled once: forms are posted far more often than defined.
const compiledPatterns = new WeakMap<TObject, [RegExp, TSchema][]>();

/** The schema of a field named by one of the form's `patternProperties` (numbered rows). */
function patternField(schema: TObject | undefined, name: string): TSchema | undefined {
  const patternProperties = keyword(schema, "patternProperties") as Record<string, TSchema> | undefined;
  if (!schema || !patternProperties) return undefined;
  let patterns = compiledPatterns.get(schema);
  if (!patterns) {
    patterns = Object.entries(patternProperties).map(([pattern, field]) => [new RegExp(pattern), field]);
    compiledPatterns.set(schema, patterns);
  }
  return patterns.find(([pattern]) => pattern.test(name))?.[1];
}

/**
 * Makes a urlencoded or multipart body fit its schema before validation: text is trimmed and
 * NUL-free, a blank field is a missing one, a repeated name keeps its first value unless the
 * field is a list, and a value that is not text (a file sent to a text field) is no value.
 * Fields the schema does not name (the CSRF token) are left as they came.
 */
export function normalizeForm(schema: TObject): preValidationHookHandler {
  return async (request) => {
    const raw: Record<string, unknown> =
      request.body && typeof request.body === "object" ? { ...request.body } : {};
    const body: Record<string, unknown> = { ...raw };
    const setOne = (name: string, value: unknown) => {
      const one = clean(Array.isArray(value) ? value[0] : value);
      if (one === undefined) delete body[name];
      else body[name] = one;
    };
    for (const [name, field] of Object.entries(schema.properties as Record<string, TSchema>)) {
      const value = raw[name];
      if (keyword(field, "x-file")) continue;
      if (isArraySchema(field)) {
        const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
        body[name] = values.map(clean).filter((v): v is string => v !== undefined);
      } else setOne(name, value);
    }
    // Numbered fields (target-0-name, target-1-name…) named by a pattern: single text values.
    for (const [name, value] of Object.entries(raw)) {
      if (!(name in schema.properties) && patternField(schema, name)) setOne(name, value);
    }
    request.body = body;
  };
}

/**
 * The text fields of a posted form, read without trusting its shape: for forms whose fields are
 * named by patterns (text-<field>, review-<id>-<tag>), which the schema cannot type one by one.
 */
export function textFields(body: unknown): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {};
  if (body && typeof body === "object") {
    for (const [name, value] of Object.entries(body)) if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/** Route options for a form: its schema, normalization first, errors kept for the handler. */
export function formRoute<
  T extends TObject,
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
>(
  body: T,
  extra: {
    querystring?: Q;
    params?: P;
    /** Response schemas, e.g. formResponses(422) from responses.ts. */
    response?: Record<number, unknown>;
    preValidation?: preValidationHookHandler[];
  } = {},
) {
  // Typed per part, so that a type provider types request.params and request.query too.
  const schema = { body } as FastifySchema & { body: T; params: P; querystring: Q };
  if (extra.querystring) schema.querystring = extra.querystring;
  if (extra.params) schema.params = extra.params;
  if (extra.response) schema.response = extra.response;
  const preValidation: preValidationHookHandler[] = [normalizeForm(body), ...(extra.preValidation ?? [])];
  return { schema, attachValidation: true, preValidation };
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/**
 * The field errors of a form post, as `field → message` (message keys on the public site, plain
 * text in the back office), from the schema's `messages`. Empty when the body is valid.
 */
export function formErrors(request: FastifyRequest): Record<string, string> {
  const failure = request.validationError as
    | (Error & { validation?: AjvError[]; validationContext?: string })
    | undefined;
  if (!failure) return {};
  const schema = request.routeOptions.schema?.body as TObject | undefined;
  const properties = (schema?.properties ?? {}) as Record<string, TSchema>;
  const errors: Record<string, string> = {};
  // A bad path or query string is not the person's typing: answered like any bad request.
  if (failure.validationContext && failure.validationContext !== "body") throw failure;
  for (const error of failure.validation ?? []) {
    const missing = error.params.missingProperty;
    const name = typeof missing === "string" ? missing : (error.instancePath.split("/")[1] ?? "form");
    const field = properties[name] ?? patternField(schema, name);
    const byRule = (keyword(field, "x-messages") ?? {}) as Messages;
    const message = byRule[error.keyword] ?? byRule["*"] ?? "form.error.invalid";
    errors[(keyword(field, "x-field") as string | undefined) ?? name] ??= message;
  }
  return errors;
}

/** The submitted values of the schema's text fields, to show the form again as it was sent. */
export function formValues(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const schema = request.routeOptions.schema?.body as TObject | undefined;
  const values: Record<string, string> = {};
  for (const [name, field] of Object.entries((schema?.properties ?? {}) as Record<string, TSchema>)) {
    const value = body[name];
    if (keyword(field, "x-file") || value === undefined || Array.isArray(value)) continue;
    values[name] = String(value);
  }
  return values;
}
