import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { CsrfField, Field, Notice } from "../office/index.js";
import { type CsvRow, MAX_ROWS } from "./csv.js";
import { type CheckedReport, REPORT_COLUMNS, type RowProblem } from "./reports.js";
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
}

export function ImportForm(p: { csrf: string; error?: string }) {
  return (
    <>
      {p.error ? (
        <div class="error-summary" role="alert">
          <h2>The file cannot be imported</h2>
          <p>{p.error}</p>
        </div>
      ) : null}
      <p>
        One row per report, with the columns <code>{REPORT_COLUMNS.join(", ")}</code>: the case's short name
        (as in the template), the type (letter if empty), the country code (like FR), the date as YYYY-MM-DD,
        the quantity, and optionally the event's id and a note. Commas or semicolons, UTF-8; at most{" "}
        {fmt(MAX_ROWS)} rows and 2 MB. You will see every row before anything is imported.
      </p>
      <p>
        <a href={`${HERE}/template.csv`} download="reports-template.csv">
          Download the template
        </a>
      </p>
      <form class="stack" method="post" action={`${HERE}/import`} enctype="multipart/form-data">
        <CsrfField token={p.csrf} />
        <Field name="file" label="CSV file" type="file" required attrs={{ accept: ".csv,text/csv" }} />
        <button type="submit">Check the file</button>
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
          <h2>{file.bad === 1 ? "1 row has" : `${fmt(file.bad)} rows have`} errors; nothing was imported.</h2>
          <p>Correct the file and upload it again. Every row must be right before anything is imported.</p>
        </div>
      ) : (
        <Notice>
          All {fmt(file.rows.length)} rows are valid: {fmt(file.quantity)} actions for {p.campaign.title}.
          Nothing is imported until you confirm.
        </Notice>
      )}
      {p.importId ? (
        <form method="post" action={`${HERE}/import/confirm`}>
          <CsrfField token={p.csrf} />
          <input type="hidden" name="import" value={p.importId} />
          <button type="submit">Import {fmt(file.rows.length)} rows</button>{" "}
          <a href={`${HERE}/import`}>Upload another file</a>
        </form>
      ) : (
        <p>
          <a href={`${HERE}/import`}>Upload the corrected file</a>
        </p>
      )}
      <h2>Totals per case</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col" class="number">
              Quantity (valid rows)
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
      <h2>Rows</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Case</th>
            <th scope="col">Type</th>
            <th scope="col">Country</th>
            <th scope="col">Date</th>
            <th scope="col" class="number">
              Quantity
            </th>
            <th scope="col">Event</th>
            <th scope="col">Check</th>
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
                  "OK"
                ) : (
                  <ul class="error">
                    {row.problems.map((pr) => (
                      <li>
                        Line {row.line}, {pr.column}: {pr.message}
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
