import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { DEFAULT_LOCALE, direction, negotiateLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { type Messages, messagesFor } from "../../platform/i18n/messages.js";

// The back office's language, per request: the person's choice (users.locale), else the
// browser's Accept-Language, else English. Views read it through officeMessages() instead of an
// `m` threaded through every component: an AsyncLocalStorage holds it for the request, as
// @fastify/request-context does (run() in onRequest; body parsing runs on the socket's stream
// events, outside that context, so preValidation re-enters it).

export interface OfficeContext {
  messages: Messages;
  /** The address asked for: where a language change returns to. */
  url: string;
  method: string;
}

declare module "fastify" {
  interface FastifyRequest {
    officeContext?: OfficeContext;
  }
}

const storage = new AsyncLocalStorage<OfficeContext>();
const scopes = new WeakMap<FastifyRequest, AsyncResource>();

/** The messages of the current back-office request (English outside one, e.g. in a job). */
export function officeMessages(): Messages {
  return storage.getStore()?.messages ?? messagesFor(DEFAULT_LOCALE);
}

/** A message of the back office's catalogs ("office.…" keys) in the request's language. */
export const ot = (key: string, values?: Record<string, string | number | Date>): string =>
  officeMessages().t(key, values);

/**
 * A message key with its values, for text decided before any request (a form schema's error):
 * "office.x.tooLong?max=5000", read back by officeText when a page shows it.
 */
export function officeKey(key: string, values: Record<string, string | number>): string {
  return `${key}?${new URLSearchParams(Object.entries(values).map(([k, v]) => [k, String(v)]))}`;
}

/**
 * Text that may be a message key: form errors and problems carry keys ("office.…", with values
 * as officeKey writes them) where they have been translated, plain English where not yet; both
 * are shown as they should be. Values that are whole numbers are passed as numbers.
 */
export function officeText(text: string): string {
  if (!text.startsWith("office.")) return text;
  const [key = text, query] = text.split("?", 2);
  const values: Record<string, string | number> = {};
  for (const [k, v] of new URLSearchParams(query ?? "")) values[k] = /^\d{1,15}$/.test(v) ? Number(v) : v;
  return ot(key, values);
}

export const officeLocale = (): UiLocale => officeMessages().locale;
export const officeDirection = (): "ltr" | "rtl" => direction(officeLocale());
export const officeContext = (): OfficeContext | undefined => storage.getStore();

/**
 * Runs `work` in the back office's language `locale` outside a request: a worker thread reading
 * a request's upload words its refusals in the language of the request it reads for.
 */
export function inOfficeLocale<T>(locale: UiLocale, work: () => T): T {
  return storage.run({ messages: messagesFor(locale), url: "", method: "" }, work);
}

/** Runs `render` in a request's context, for answers made outside it (errors in body parsing). */
export function inOfficeContext<T>(request: FastifyRequest, render: () => T): T {
  return request.officeContext ? storage.run(request.officeContext, render) : render();
}

/** Registered first in the back-office plugin: the browser's language until the session is read. */
export function installOfficeLanguage(app: FastifyInstance): void {
  app.addHook("onRequest", (request, _reply, done) => {
    const context: OfficeContext = {
      messages: messagesFor(negotiateLocale(request.headers["accept-language"])),
      url: request.url,
      method: request.method,
    };
    request.officeContext = context;
    storage.run(context, () => {
      scopes.set(request, new AsyncResource("inkwell-office-request"));
      done();
    });
  });
  app.addHook("preValidation", (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done, request.raw);
    else done();
  });
}

/** Once the session is known: the person's own choice wins over the browser's. */
export function useChosenLocale(request: FastifyRequest, locale: UiLocale | undefined): void {
  if (locale && request.officeContext) request.officeContext.messages = messagesFor(locale);
}
