import type { FastifyReply } from "fastify";
import type { JSX } from "preact";
import { html } from "../web/pages/parts.js";

// Reading urlencoded form bodies (a repeated name arrives as an array) and answering with a page.

export type FormBody = Record<string, string | string[] | undefined>;

export function formOf(body: unknown): FormBody {
  return body && typeof body === "object" ? (body as FormBody) : {};
}

/** One value, trimmed; the first if the name was repeated. */
export function text(body: FormBody, name: string): string {
  const value = body[name];
  return (Array.isArray(value) ? (value[0] ?? "") : (value ?? "")).trim();
}

/** Every value of a repeated name (checkboxes, multi-selects), trimmed, empty ones dropped. */
export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => v.trim()).filter((v) => v.length > 0);
}

export const checked = (body: FormBody, name: string): boolean => text(body, name) !== "";

export function sendPage(reply: FastifyReply, page: JSX.Element, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(html(page));
}
