import type { FastifyReply } from "fastify";
import type { JSX } from "preact";
import { renderToString } from "preact-render-to-string";
import type { UiLocale } from "../i18n/locales.js";
import { type Messages, messagesFor } from "../i18n/messages.js";
import { Layout, localHref, type PageContext } from "./layout.js";

// Pieces several pages share: the HTML response itself, a country ranking, the 404 page.

export const html = (page: JSX.Element) => `<!doctype html>${renderToString(page)}`;

/** Headers of a public page; pages with per-visitor content override cache-control. */
export const pageHeaders = (reply: FastifyReply, locale: UiLocale, status: number) =>
  reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("content-language", locale)
    .header("vary", "accept-language")
    .header("cache-control", "public, max-age=5");

/** Countries with their counts, largest first (the caller sorts and cuts). */
export function CountryList(props: {
  m: Messages;
  id: string;
  title: string;
  countries: [string, number][];
}) {
  const { m } = props;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <ol class="top">
        {props.countries.map(([code, n]) => (
          <li>
            <span>{m.country(code)}</span> <span class="number">{m.number(n)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The 404 page, in the reader's language, with a way back to the campaign. */
export function sendNotFound(reply: FastifyReply, locale: UiLocale, path: string, campaignTitle: string) {
  const m = messagesFor(locale);
  const ctx: PageContext = { m, path, campaignTitle, homeHref: localHref(locale, "/") };
  return pageHeaders(reply, locale, 404).send(
    html(
      <Layout ctx={ctx} title={m.t("error.notFound")}>
        <h1>{m.t("error.notFound")}</h1>
        <p>
          <a href={ctx.homeHref}>{m.t("error.home")}</a>
        </p>
      </Layout>,
    ),
  );
}
