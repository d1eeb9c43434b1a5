import type { ComponentChildren } from "preact";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { direction } from "../../platform/i18n/locales.js";
import type { Messages } from "../../platform/i18n/messages.js";

// The counter other websites put in an <iframe>: one number, its plural label and the
// campaign's title, on a page small enough for any phone. No site header or footer, no
// stylesheet to fetch (the few rules are inline, allowed by their hash in the page's CSP),
// and the site's own live.js, which the browser has often cached already.

export const EMBED_CSS =
  "body{margin:0;font:16px/1.3 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Naskh Arabic','Noto Sans SC',sans-serif;background:#1b1b1f;color:#fff}" +
  "main{padding:.75rem 1rem}p{margin:0}a{color:#fff}" +
  ".n{display:block;font-size:clamp(2rem,14vw,3.5rem);font-weight:800;line-height:1.1;color:#fd0;font-variant-numeric:tabular-nums}" +
  ".w{color:#d8d8de;font-size:.9rem}";

function Page(props: { m: Messages; title: string; refresh?: boolean; children: ComponentChildren }) {
  const { m } = props;
  return (
    <html lang={m.locale} dir={direction(m.locale)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.refresh ? (
          <noscript>
            <meta http-equiv="refresh" content="60" />
          </noscript>
        ) : null}
        <style>{EMBED_CSS}</style>
      </head>
      <body>{props.children}</body>
    </html>
  );
}

export interface EmbedData {
  campaign: CampaignInfo;
  /** ISO country code, or undefined for the world total. */
  country: string | undefined;
  count: number;
  /** Where the title links to on the site (opens outside the frame). */
  href: string;
  /** Set while the node is cut off from the ledger: when its numbers were last exact. */
  staleSince?: Date | undefined;
}

export function EmbedCounter(props: { m: Messages; data: EmbedData }) {
  const { m, data } = props;
  const where = data.country ? m.country(data.country) : m.t("embed.world");
  // live.js updates [data-live="total"] from the total, [data-live-country] from byCountry.
  const live = data.country ? { "data-live-country": data.country } : { "data-live": "total" };
  const label = data.country ? { "data-live-country": data.country } : { "data-live-label": "total" };
  return (
    <Page m={m} title={m.t("embed.frameTitle", { campaign: data.campaign.title })} refresh>
      <main data-stream={`/api/v1/campaigns/${data.campaign.slug}/counter/stream`} data-locale={m.locale}>
        <p>
          <a href={data.href} target="_blank" rel="noopener">
            {data.campaign.title}
          </a>
        </p>
        <p class="w">{where}</p>
        <p>
          <span class="n" {...live}>
            {m.number(data.count)}
          </span>{" "}
          <span {...label} data-plural={JSON.stringify(m.pluralForms("counter.actionsLabel"))}>
            {m.t("counter.actionsLabel", { count: data.count })}
          </span>
        </p>
        {data.staleSince ? (
          <p class="w" role="status" data-live-stale="">
            {m.t("counter.stale", { time: m.moment(data.staleSince) })}
          </p>
        ) : null}
      </main>
      <script src="/assets/live.js" defer />
    </Page>
  );
}

/** A refused embed (unknown campaign, bad country or language): small, framable, not a 500. */
export function EmbedError(props: { m: Messages; message: string }) {
  return (
    <Page m={props.m} title={props.message}>
      <main>
        <p>{props.message}</p>
      </main>
    </Page>
  );
}
