import { officeMessages, ot } from "../../office/index.js";
import type { PendingCount } from "../../signatures/index.js";
import type { CaseChoice } from "./store.js";

export type { PendingCount };

// On an edition's page: how many signatures wait for their signer's confirmation, per case
// (they count once confirmed; features/signatures). Shown whatever the setting is now, since
// signatures made while it was on can still be confirmed after it is turned off.

export function PendingSignatures(props: { pending: PendingCount[]; cases: CaseChoice[] }) {
  const titles = new Map(props.cases.map((c) => [c.id, c.title]));
  const total = props.pending.reduce((sum, p) => sum + p.pending, 0);
  const fmt = (n: number) => officeMessages().number(n);
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">{ot("office.campaigns.pending.title")}</h2>
      {props.pending.length === 0 ? (
        <p>{ot("office.campaigns.pending.none")}</p>
      ) : (
        <table id="pending-signatures">
          <thead>
            <tr>
              <th scope="col">{ot("office.campaigns.pending.case")}</th>
              <th scope="col" class="number">
                {ot("office.campaigns.pending.count")}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.pending.map((p) => (
              <tr>
                <th scope="row">{titles.get(p.caseId) ?? String(p.caseId)}</th>
                <td class="number">{fmt(p.pending)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{ot("office.campaigns.pending.total")}</th>
              <td class="number">{fmt(total)}</td>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
