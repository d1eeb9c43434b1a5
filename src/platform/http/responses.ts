import { Type } from "typebox";

// Response schemas of routes that answer people, not programs. An HTML body is sent as it was
// rendered (Fastify serializes only JSON), so these describe the route rather than shape it.

export const HtmlPage = {
  content: { "text/html": { schema: Type.String({ description: "An HTML page" }) } },
};
export const Redirect = Type.Null({ description: "See Other: the Location header says where" });

/** A page route: the page, and the same page with errors or a refusal. */
export const pageResponses = (...statuses: number[]) =>
  Object.fromEntries([200, ...statuses].map((status) => [status, HtmlPage]));

/** A form post: a redirect after success, or the form again with its errors. */
export const formResponses = (...statuses: number[]) => ({ 303: Redirect, ...pageResponses(...statuses) });
