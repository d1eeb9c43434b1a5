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
  /** PUBLIC_URL: link previews need absolute addresses (og:url, og:image). */
  publicUrl?: string;
  /** What a link preview and a search result show; the site's own description when not given. */
  meta?: PageMeta;
  /**
   * The language in the page's address when it is not the interface's: a case read in a language
   * the interface does not speak (/ca/cases/…) keeps that address as its canonical one.
   */
  pathLanguage?: string;
  /** Languages beyond the interface's this page exists in, each at /<tag><path> (a case's). */
  otherLanguages?: string[];
}

export interface PageMeta {
  /** Plain text in the page's language; cut to about 160 characters by `describe`. */
  description?: string;
  /** "article" for a case, "website" otherwise. */
  type?: "website" | "article";
  /** An absolute image address, 1200 × 630 for summary_large_image cards. */
  image?: { url: string; width: number; height: number; alt: string };
}

const DESCRIPTION_MAX = 160;

/** A text cut on a word boundary to about 160 characters, with an ellipsis when cut. */
export function describe(text: string, max = DESCRIPTION_MAX): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const head = chars.slice(0, max - 1).join("");
  // Scripts without spaces (Chinese, Japanese) have no word boundary: cut at the limit.
  const space = head.lastIndexOf(" ");
  const cut = space > max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,.;:!?،、，。]+$/u, "")}…`;
}

/** Open Graph's locale form, language_TERRITORY (zh-Hans → zh_CN), from CLDR's likely subtags. */
export function ogLocale(locale: string): string {
  const full = new Intl.Locale(locale).maximize();
  return full.region ? `${full.language}_${full.region}` : full.language;
}

/** The head tags for link previews (Open Graph, Twitter cards) and search results. */
function MetaTags(props: { ctx: PageContext; title: string }) {
  const { ctx } = props;
  const { m } = ctx;
  const description = describe(ctx.meta?.description ?? m.t("meta.description"));
  const image = ctx.meta?.image;
  // Only pages that know the public address name it (error pages do not, and have no canonical).
  const url = ctx.publicUrl
    ? `${ctx.publicUrl}${ctx.pathLanguage ? `/${ctx.pathLanguage}${ctx.path}` : localHref(m.locale, ctx.path)}`
    : undefined;
  return (
    <>
      <meta name="description" content={description} />
      {url ? <link rel="canonical" href={url} /> : null}
      <meta property="og:type" content={ctx.meta?.type ?? "website"} />
      <meta property="og:site_name" content={ctx.campaignTitle} />
      <meta property="og:title" content={props.title} />
      <meta property="og:description" content={description} />
      {url ? <meta property="og:url" content={url} /> : null}
      <meta property="og:locale" content={ogLocale(m.locale)} />
      {UI_LOCALES.filter((l) => l !== m.locale).map((l) => (
        <meta property="og:locale:alternate" content={ogLocale(l)} />
      ))}
      {image ? (
        <>
          <meta property="og:image" content={image.url} />
          <meta property="og:image:type" content="image/png" />
          <meta property="og:image:width" content={String(image.width)} />
          <meta property="og:image:height" content={String(image.height)} />
          <meta property="og:image:alt" content={image.alt} />
        </>
      ) : null}
      <meta name="twitter:card" content={image ? "summary_large_image" : "summary"} />
      <meta name="twitter:title" content={props.title} />
      <meta name="twitter:description" content={description} />
      {image ? (
        <>
          <meta name="twitter:image" content={image.url} />
          <meta name="twitter:image:alt" content={image.alt} />
        </>
      ) : null}
    </>
  );
}

/** The site's colour: the browser's bar, the manifest, the share images. */
export const THEME_COLOR = "#1b1b1f";

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
  const fullTitle = title === ctx.campaignTitle ? title : `${title} · ${ctx.campaignTitle}`;
  return (
    <html lang={m.locale} dir={direction(m.locale)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <MetaTags ctx={ctx} title={title} />
        {/* Relative, so the strict CSP's 'self' (img-src, manifest-src by default-src) allows them. */}
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="icon" href="/icons/32.png" type="image/png" sizes="32x32" />
        <link rel="apple-touch-icon" href="/icons/180.png" />
        <link rel="manifest" href={localHref(m.locale, "/manifest.webmanifest")} />
        <meta name="theme-color" content={THEME_COLOR} />
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
        {(ctx.otherLanguages ?? []).map((l) => (
          <link rel="alternate" hreflang={l} href={`/${l}${ctx.path}`} />
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
            {" · "}
            <a href={localHref(m.locale, "/privacy")}>{m.t("footer.privacy")}</a>
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
