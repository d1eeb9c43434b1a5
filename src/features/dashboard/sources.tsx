import type pg from "pg";
import { messagesFor } from "../../platform/i18n/messages.js";

// "Actions by source": which share link (?source=whatsapp…) brought the actions of an edition.
// Read from the ledger, not the in-memory counter (which does not know sources), through a
// partial index holding only the actions that have a source (migration 011), so the query reads
// that index alone and costs as much as there are such actions, not the whole ledger.

const en = messagesFor("en");
const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });

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
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">Actions by source</h2>
      {props.rows.length === 0 ? (
        <p>No actions have come through a share link yet.</p>
      ) : (
        <table class="dash-sources">
          <thead>
            <tr>
              <th scope="col">Share link</th>
              <th scope="col" class="number">
                Actions
              </th>
              <th scope="col" class="number">
                Share of all actions
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <th scope="row">{r.source}</th>
                <td class="number">{en.number(r.count)}</td>
                <td class="number">{percent.format(props.total > 0 ? r.count / props.total : 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint">
        Actions taken by visitors who came through a page's share links (copy link, email, WhatsApp, Telegram,
        X, Facebook); "other" is a source parameter that is not one of these.
      </p>
    </section>
  );
}
