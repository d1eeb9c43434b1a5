import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { CsrfField, Field, Notice, ot } from "../office/index.js";
import { type CsvRow, MAX_ROWS } from "./csv.js";
import { type CheckedReport, PLAUSIBLE_PER_PLACE, REPORT_COLUMNS, type RowProblem } from "./reports.js";
import { fmt, HERE } from "./views.js";

// The pages of a CSV import: the upload form, and the preview of every row that comes before
// anything is imported.

export interface CheckedRow extends CsvRow {
  report?: CheckedReport;
  problems: RowProblem[];
}

export interface CheckedFile {
  rows: CheckedRow[];
  bad: number;
  quantity: number;
  /** Case slug → letters in the valid rows. */
  byCase: Map<string, number>;
  /** Valid rows above 20 letters a place of their event: asked about before the import. */
  unusual: { line: number; quantity: number; capacity: number; event: string }[];
}

export function ImportForm(p: { csrf: string; error?: string }) {
  return (
    <>
      {p.error ? (
        <div class="error-summary" role="alert">
          <h2>{ot("office.reports.import.cannot")}</h2>
          <p>{p.error}</p>
        </div>
      ) : null}
      <p>
        {ot("office.reports.import.columns")} <code>{REPORT_COLUMNS.join(", ")}</code>
        {ot("office.reports.import.howTo", { max: fmt(MAX_ROWS) })}
      </p>
      <p>
        <a href={`${HERE}/template.csv`} download="reports-template.csv">
          {ot("office.reports.import.template")}
        </a>
      </p>
      <form class="stack" method="post" action={`${HERE}/import`} enctype="multipart/form-data">
        <CsrfField token={p.csrf} />
        <Field
          name="file"
          label={ot("office.reports.import.file")}
          type="file"
          required
          attrs={{ accept: ".csv,text/csv" }}
        />
        <button type="submit">{ot("office.reports.import.check")}</button>
      </form>
    </>
  );
}

/** The rows of a file, checked; `importId` is set when every row is valid and it can be confirmed. */
export function ImportPreview(p: {
  csrf: string;
  campaign: CampaignInfo;
  file: CheckedFile;
  importId: string | null;
}) {
  const { file } = p;
  return (
    <>
      {file.bad > 0 ? (
        <div class="error-summary" role="alert">
          <h2>{ot("office.reports.import.bad", { count: file.bad })}</h2>
          <p>{ot("office.reports.import.correctIt")}</p>
        </div>
      ) : (
        <Notice>
          {ot("office.reports.import.valid", {
            rows: fmt(file.rows.length),
            quantity: fmt(file.quantity),
            title: p.campaign.title,
          })}
        </Notice>
      )}
      {file.bad === 0 && file.unusual.length > 0 ? (
        <div class="are-you-sure" role="alert" id="are-you-sure">
          <h2>{ot("office.reports.sure.title")}</h2>
          <p>
            {ot("office.reports.import.unusual", {
              count: file.unusual.length,
              perPlace: PLAUSIBLE_PER_PLACE,
            })}
          </p>
          <ul>
            {file.unusual.map((u) => (
              <li>
                {ot("office.reports.import.unusualRow", {
                  line: u.line,
                  quantity: fmt(u.quantity),
                  capacity: fmt(u.capacity),
                  title: u.event,
                })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {p.importId ? (
        <form method="post" action={`${HERE}/import/confirm`}>
          <CsrfField token={p.csrf} />
          <input type="hidden" name="import" value={p.importId} />
          <button type="submit">
            {ot("office.reports.import.confirm", { rows: fmt(file.rows.length) })}
          </button>{" "}
          <a href={`${HERE}/import`}>{ot("office.reports.import.another")}</a>
        </form>
      ) : (
        <p>
          <a href={`${HERE}/import`}>{ot("office.reports.import.corrected")}</a>
        </p>
      )}
      <h2>{ot("office.reports.import.totals")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{ot("office.reports.case")}</th>
            <th scope="col" class="number">
              {ot("office.reports.import.quantityValid")}
            </th>
          </tr>
        </thead>
        <tbody>
          {[...file.byCase].map(([slug, n]) => (
            <tr>
              <td>{slug}</td>
              <td class="number">{fmt(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{ot("office.reports.import.rows")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{ot("office.exchange.line")}</th>
            <th scope="col">{ot("office.reports.case")}</th>
            <th scope="col">{ot("office.reports.type")}</th>
            <th scope="col">{ot("office.reports.country")}</th>
            <th scope="col">{ot("office.reports.date")}</th>
            <th scope="col" class="number">
              {ot("office.reports.quantity")}
            </th>
            <th scope="col">{ot("office.reports.event")}</th>
            <th scope="col">{ot("office.reports.import.checkColumn")}</th>
          </tr>
        </thead>
        <tbody>
          {file.rows.map((row) => (
            <tr class={row.problems.length > 0 ? "has-error" : undefined}>
              <td>{row.line}</td>
              <td>{row.input.case}</td>
              <td>{row.input.type || "letter"}</td>
              <td>{row.input.country}</td>
              <td>{row.input.date}</td>
              <td class="number">{row.input.quantity}</td>
              <td>{row.input.event}</td>
              <td>
                {row.problems.length === 0 ? (
                  ot("office.reports.import.ok")
                ) : (
                  <ul class="error">
                    {row.problems.map((pr) => (
                      <li>
                        {ot("office.reports.import.problem", {
                          line: row.line,
                          column: pr.column,
                          message: pr.message,
                        })}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
