import { CsvError, parse } from "csv-parse/sync";
import { ot } from "../office/index.js";
import { type Column, REPORT_COLUMNS, type ReportInput } from "./reports.js";

// Reading a CSV file of reports as spreadsheets save it: UTF-8 with or without a byte order
// mark, commas or semicolons (Excel uses semicolons where the comma is the decimal separator),
// a header row naming the columns in any order. Problems with the file as a whole are answered
// here; problems with a row are left to the row's checks, so each row gets its own message.

export const MAX_FILE_BYTES = 2 * 1024 * 1024;
export const MAX_ROWS = 5000;
const REQUIRED: Column[] = ["case", "country", "date", "quantity"];

export interface CsvRow {
  /** The line of the file the row ends on (the header is line 1), as a spreadsheet numbers it. */
  line: number;
  input: ReportInput;
  /** Cells beyond the header's columns. */
  extraCells: number;
}

export type CsvResult =
  | { ok: true; rows: CsvRow[]; text: string }
  | { ok: false; status: 413 | 422; message: string };

const fail = (status: 413 | 422, message: string): CsvResult => ({ ok: false, status, message });

/** Commas or semicolons: whichever the header line uses more. */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(";") > count(",") ? ";" : ",";
}

export function readReportCsv(data: Buffer | string): CsvResult {
  if (Buffer.byteLength(data) > MAX_FILE_BYTES) {
    return fail(413, ot("office.reports.csv.tooLarge"));
  }
  let text: string;
  try {
    // The decoder drops a byte order mark and refuses bytes that are not UTF-8.
    text =
      typeof data === "string"
        ? data.replace(/^\uFEFF/, "")
        : new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return fail(422, ot("office.reports.csv.notUtf8"));
  }
  if (text.trim() === "") return fail(422, ot("office.reports.csv.empty"));

  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parse(text, {
      delimiter: delimiterOf(text),
      info: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    // The parser's own words (csv-parse's, in English) follow the translated sentence.
    if (error instanceof CsvError)
      return fail(422, ot("office.reports.csv.invalid", { detail: error.message }));
    throw error;
  }

  const [header, ...body] = records;
  if (!header) return fail(422, ot("office.reports.csv.empty"));
  const names = header.record.map((h) => h.trim().toLowerCase());
  for (const name of names) {
    if (!(REPORT_COLUMNS as readonly string[]).includes(name)) {
      return fail(422, ot("office.reports.csv.unknownColumn", { name, columns: REPORT_COLUMNS.join(", ") }));
    }
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) return fail(422, ot("office.reports.csv.duplicate", { name: duplicate }));
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    return fail(422, ot("office.reports.csv.missing", { columns: missing.map((c) => `"${c}"`).join(", ") }));
  }
  if (body.length === 0) return fail(422, ot("office.reports.csv.noRows"));
  if (body.length > MAX_ROWS) {
    return fail(422, ot("office.reports.csv.tooMany", { rows: body.length, max: MAX_ROWS }));
  }

  const rows = body.map(({ info, record }) => {
    const input = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, ""])) as ReportInput;
    names.forEach((name, i) => {
      input[name as Column] = record[i] ?? "";
    });
    return { line: info.lines, input, extraCells: Math.max(0, record.length - names.length) };
  });
  return { ok: true, rows, text };
}

/** The template offered for download: the header and one example row. */
export function templateCsv(example: { case: string; country: string; date: string }): string {
  return `${REPORT_COLUMNS.join(",")}\r\n${example.case},letter,${example.country},${example.date},120,,\r\n`;
}
