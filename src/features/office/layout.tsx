import type { ComponentChildren } from "preact";
import {
  type Capability,
  canEditCases,
  canEditSections,
  canManageUsers,
  canModerate,
  canReadAudit,
  canReadOutbox,
  canReport,
  canRunEvents,
  canTranslate,
  isAdmin,
} from "./policy.js";
import type { OfficeUser } from "./users.js";

// The frame of every back-office page: a menu of what this person's role may open, who is
// signed in, and the logout buttons. The back office is in English for now (see README).

const MENU: [string, string, Capability][] = [
  ["/office", "Dashboard", () => true],
  ["/office/campaigns", "Campaigns", isAdmin],
  ["/office/cases", "Cases", canEditCases],
  ["/office/translations", "Translations", canTranslate],
  ["/office/sections", "Sections", canEditSections],
  ["/office/materials", "Materials", canEditSections],
  ["/office/events", "Events", canRunEvents],
  ["/office/reports", "Reports", canReport],
  ["/office/moderation", "Moderation", canModerate],
  ["/office/users", "Accounts", canManageUsers],
  ["/office/audit", "Audit log", canReadAudit],
  ["/office/outbox", "Outbox", canReadOutbox],
];

export function OfficeLayout(props: {
  title: string;
  user?: OfficeUser;
  csrf?: string;
  /** The menu entry to mark as the current page. */
  current?: string;
  children: ComponentChildren;
}) {
  const { user } = props;
  return (
    <html lang="en" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Inkwell back office`}</title>
        <link rel="stylesheet" href="/assets/office.css" />
        <link rel="stylesheet" href="/assets/map.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="office">
          <a class="brand" href="/office">
            Inkwell back office
          </a>
          {user ? (
            <nav aria-label="Back office">
              <ul>
                {MENU.filter(([, , can]) => can(user)).map(([href, label]) => (
                  <li>
                    <a href={href} aria-current={props.current === href ? "page" : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {user && props.csrf ? (
            <div class="account">
              <span>
                {user.email} ({user.role})
              </span>
              <form method="post" action="/office/logout">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit">Log out</button>
              </form>
              <form method="post" action="/office/logout-everywhere">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit" class="secondary">
                  Log out everywhere
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
