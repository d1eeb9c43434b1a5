import type pg from "pg";
import { officeMessages, ot } from "../office/index.js";

// "Actions by source": which share link (?source=whatsapp…) brought the actions of an edition.
// Read from the ledger, not the in-memory counter (which does not know sources), through a
// partial index holding only the actions that have a source (migration 011), so the query reads
// that index alone and costs as much as there are such actions, not the whole ledger.

/** A share to a tenth of a percent, in the page's language. */
export const sharePercent = (locale: string, ratio: number): string =>
  new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio);

export interface SourceRow {
  source: string;
  count: number;
}

export async function actionsBySource(db: pg.Pool, campaignId: number): Promise<SourceRow[]> {
  const result = await db.query<{ source: string; count: string }>(
    `SELECT source, sum(quantity) AS count FROM actions
      WHERE campaign_id = $1 AND source IS NOT NULL GROUP BY source ORDER BY 2 DESC, 1`,
    [campaignId],
  );
  return result.rows.map((r) => ({ source: r.source, count: Number(r.count) }));
}

export function SourcesTable(props: { rows: SourceRow[]; total: number }) {
  const m = officeMessages();
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">{ot("office.dashboard.sources")}</h2>
      {props.rows.length === 0 ? (
        <p>{ot("office.dashboard.noSources")}</p>
      ) : (
        <table class="dash-sources">
          <thead>
            <tr>
              <th scope="col">{ot("office.dashboard.shareLink")}</th>
              <th scope="col" class="number">
                {ot("office.dashboard.actionsHeader")}
              </th>
              <th scope="col" class="number">
                {ot("office.dashboard.share")}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <th scope="row">{r.source}</th>
                <td class="number">{m.number(r.count)}</td>
                <td class="number">{sharePercent(m.locale, props.total > 0 ? r.count / props.total : 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint">{ot("office.dashboard.sourcesHint")}</p>
    </section>
  );
}
