import type { FastifyReply } from "fastify";
import type { JSX } from "preact";
import { html } from "../../platform/views/parts.js";

// Answering with a page, and reading urlencoded form bodies by hand (a repeated name arrives as
// an array). The readers (formOf, text, list, checked) are on their way out: a form post is now
// validated by its route's TypeBox schema (src/platform/http/forms.ts). They stay for the areas
// that still use them.

export type FormBody = Record<string, string | string[] | undefined>;

/** @deprecated Declare the body with formRoute(Schema) and read the typed request.body. */
export function formOf(body: unknown): FormBody {
  return body && typeof body === "object" ? (body as FormBody) : {};
}

/**
 * A submitted value as text: anything but a string (a JSON number or object, an uploaded file
 * sent to a plain form) is no value, and NUL characters, which PostgreSQL refuses in text, go.
 */
const clean = (value: unknown): string =>
  typeof value === "string" ? value.replaceAll("\u0000", "").trim() : "";

/** One value, trimmed; the first if the name was repeated. */
export function text(body: FormBody, name: string): string {
  const value = body[name];
  return clean(Array.isArray(value) ? value[0] : value);
}

/** Every value of a repeated name (checkboxes, multi-selects), trimmed, empty ones dropped. */
export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map(clean).filter((v) => v.length > 0);
}

export const checked = (body: FormBody, name: string): boolean => text(body, name) !== "";

export function sendPage(reply: FastifyReply, page: JSX.Element, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(html(page));
}
