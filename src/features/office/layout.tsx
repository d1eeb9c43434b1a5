import type { ComponentChildren } from "preact";
import { direction, UI_LOCALES, type UiLocale } from "../../platform/i18n/locales.js";
import { officeContext, officeLocale, ot } from "./i18n.js";
import {
  type Capability,
  canEditCases,
  canEditSections,
  canInvalidate,
  canLookUpSupporters,
  canManageUsers,
  canModerate,
  canReadActivity,
  canReadAudit,
  canReadOutbox,
  canReport,
  canRunEvents,
  canTranslate,
  isAdmin,
} from "./policy.js";
import type { OfficeUser } from "./users.js";

// The frame of every back-office page: a menu of what this person's role may open, who is
// signed in, the interface language, and the logout buttons — in the request's language.

/** Each menu entry: its address, its message key (office.menu.…) and who sees it. */
const MENU: [string, string, Capability][] = [
  ["/office", "dashboard", () => true],
  ["/office/campaigns", "campaigns", isAdmin],
  ["/office/cases", "cases", canEditCases],
  ["/office/translations", "translations", canTranslate],
  ["/office/sections", "sections", canEditSections],
  ["/office/materials", "materials", canEditSections],
  ["/office/events", "events", canRunEvents],
  ["/office/reports", "reports", canReport],
  ["/office/moderation", "moderation", canModerate],
  ["/office/privacy", "privacy", canLookUpSupporters],
  ["/office/users", "accounts", canManageUsers],
  ["/office/invalidations", "invalidations", canInvalidate],
  ["/office/audit", "audit", canReadAudit],
  ["/office/outbox", "outbox", canReadOutbox],
  ["/office/activity", "activity", canReadActivity],
];

/** Each language by its own name, so that anyone can find theirs whatever the page's language. */
const AUTONYMS: Record<UiLocale, string> = {
  en: "English",
  es: "Español",
  fr: "Français",
  pl: "Polski",
  ar: "العربية",
  "zh-Hans": "简体中文",
  ru: "Русский",
};

/** The signed-in person's language choice; it returns to the page it was made on. */
function LanguageForm(props: { user: OfficeUser; csrf: string }) {
  const context = officeContext();
  const back = context?.method === "GET" ? context.url : "/office";
  return (
    <form method="post" action="/office/account/language" class="language">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="next" value={back} />
      <label for="office-locale">{ot("office.layout.language")}</label>
      <select id="office-locale" name="locale">
        <option value="" selected={!props.user.locale}>
          {ot("office.layout.languageBrowser")}
        </option>
        {UI_LOCALES.map((locale) => (
          <option value={locale} lang={locale} selected={props.user.locale === locale}>
            {AUTONYMS[locale]}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary">
        {ot("office.layout.languageSave")}
      </button>
    </form>
  );
}

export function OfficeLayout(props: {
  title: string;
  user?: OfficeUser;
  csrf?: string;
  /** The menu entry to mark as the current page. */
  current?: string;
  /** Reloads the page after this many seconds (a job's progress), without a script. */
  refreshSeconds?: number;
  children: ComponentChildren;
}) {
  const { user } = props;
  const locale = officeLocale();
  return (
    <html lang={locale} dir={direction(locale)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <title>{ot("office.layout.pageTitle", { title: props.title })}</title>
        <link rel="stylesheet" href="/assets/office.css" />
        <link rel="stylesheet" href="/assets/map.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {ot("office.layout.skip")}
        </a>
        <header class="office">
          <a class="brand" href="/office">
            {ot("office.layout.brand")}
          </a>
          {user ? (
            <nav aria-label={ot("office.layout.menu")}>
              <ul>
                {MENU.filter(([, , can]) => can(user)).map(([href, label]) => (
                  <li>
                    <a href={href} aria-current={props.current === href ? "page" : undefined}>
                      {ot(`office.menu.${label}`)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {user && props.csrf ? (
            <div class="account">
              <span>
                {ot("office.layout.signedIn", { email: user.email, role: ot(`office.role.${user.role}`) })}
              </span>
              <LanguageForm user={user} csrf={props.csrf} />
              <form method="post" action="/office/logout">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit">{ot("office.layout.logout")}</button>
              </form>
              <form method="post" action="/office/logout-everywhere">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit" class="secondary">
                  {ot("office.layout.logoutEverywhere")}
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
