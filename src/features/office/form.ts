import type { FastifyReply } from "fastify";
import type { JSX } from "preact";
import { html } from "../../platform/views/parts.js";

// Answering a back-office request with a page. Form bodies are read by their route's TypeBox
// schema (src/platform/http/forms.ts), not here.

export function sendPage(reply: FastifyReply, page: JSX.Element, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(html(page));
}
