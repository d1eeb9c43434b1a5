import type { ComponentChildren } from "preact";
import { direction, UI_LOCALES, type UiLocale } from "../i18n/locales.js";
import type { Messages } from "../i18n/messages.js";

// Language names in their own language, for the switcher.
const LANGUAGE_NAMES: Record<UiLocale, string> = {
  en: "English",
  es: "Español",
  fr: "Français",
  pl: "Polski",
  ar: "العربية",
  "zh-Hans": "简体中文",
  ru: "Русский",
};

export interface PageContext {
  m: Messages;
  /** The path without the language prefix, e.g. "/cases/gao-zhisheng". */
  path: string;
  campaignTitle: string;
  homeHref: string;
}

/** A link to the same kind of page in the reader's language. */
export function localHref(locale: UiLocale, path: string): string {
  return `/${locale}${path === "/" ? "" : path}`;
}

export function Layout(props: {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /**
   * Pages with live numbers reload themselves every so often when scripts are off: only pages
   * where nothing is typed (a reload would wipe it, WCAG 2.2.1), at most once a minute.
   */
  refreshWithoutScript?: number;
  scripts?: string[];
}) {
  const { ctx, title } = props;
  const { m } = ctx;
  return (
    <html lang={m.locale} dir={direction(m.locale)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === ctx.campaignTitle ? title : `${title} · ${ctx.campaignTitle}`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href="/assets/map.css" />
        {props.refreshWithoutScript ? (
          <noscript>
            <meta http-equiv="refresh" content={String(props.refreshWithoutScript)} />
          </noscript>
        ) : null}
        {UI_LOCALES.map((l) => (
          <link rel="alternate" hreflang={l} href={localHref(l, ctx.path)} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          {m.t("nav.skip")}
        </a>
        <header class="site">
          <a class="brand" href={ctx.homeHref}>
            {ctx.campaignTitle}
          </a>
          <nav aria-label={m.t("lang.label")} class="languages">
            <ul>
              {UI_LOCALES.map((l) => (
                <li>
                  <a
                    href={localHref(l, ctx.path)}
                    lang={l}
                    hreflang={l}
                    aria-current={l === m.locale ? "true" : undefined}
                  >
                    {LANGUAGE_NAMES[l]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        {/* Focusable by script only, so the skip link moves focus (not just the scroll) here. */}
        <main id="main" tabIndex={-1}>
          {props.children}
        </main>
        <footer class="site">
          <p>
            <a href={localHref(m.locale, "/events")}>{m.t("events.title")}</a>
          </p>
          <p>{m.t("footer.exact")}</p>
        </footer>
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </body>
    </html>
  );
}
