import type { OfficeUser } from "../../office/index.js";
import { CsrfField, Notice, OfficeLayout } from "../../office/index.js";
import type { ImportOutcome } from "./cases.js";
import { CATALOG_LOCALES } from "./catalogs.js";
import { canExchangeCatalogs } from "./policy.js";
import { FORMATS, MEDIA } from "./units.js";

// The Export / Import panel of the translations page, and the page an import answers with.

const FORMAT_OPTIONS: [string, string][] = FORMATS.map((f) => [f, MEDIA[f].label]);

/**
 * A labelled field like the office's Field, with an id of its own: the page has several forms
 * with a "language" field (Field's id is its name's), and ids must stay unique.
 */
function Input(p: {
  id: string;
  name: string;
  label: string;
  value?: string;
  options?: [string, string][];
  hint?: string;
  file?: string;
}) {
  const described = p.hint ? `${p.id}-hint` : undefined;
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={described}>
          {p.hint}
        </p>
      ) : null}
      {p.options ? (
        <select id={p.id} name={p.name} aria-describedby={described}>
          {p.options.map(([v, label]) => (
            <option value={v} selected={v === p.value}>
              {label}
            </option>
          ))}
        </select>
      ) : (
        <input id={p.id} name={p.name} type="file" required accept={p.file} aria-describedby={described} />
      )}
    </div>
  );
}

export interface ExchangePanelProps {
  user: OfficeUser;
  csrf: string;
  /** The languages this person translates into, as [tag, name]. */
  languages: [string, string][];
  campaign: { slug: string; title: string };
  cases: { slug: string; title: string }[];
}

export function ExchangePanel(p: ExchangePanelProps) {
  if (p.languages.length === 0) return null;
  const caseOptions: [string, string][] = [
    ["", `Every case of ${p.campaign.title}`],
    ...p.cases.map((c): [string, string] => [c.slug, c.title || c.slug]),
  ];
  return (
    <section class="card" aria-labelledby="exchange">
      <h2 id="exchange">Export / Import</h2>
      <p>
        Translate in your own tool: export a file (XLIFF for CAT tools, PO for PO editors), fill in the
        targets, and import it. Imported texts wait for review; only change the targets.
      </p>
      <form method="get" action="/office/translations/export" class="filters">
        <input type="hidden" name="campaign" value={p.campaign.slug} />
        <Input
          id="x-export-language"
          name="language"
          label="Language"
          value={p.languages[0]?.[0]}
          options={p.languages}
        />
        <Input id="x-export-format" name="format" label="Format" value="xliff2" options={FORMAT_OPTIONS} />
        <Input
          id="x-export-case"
          name="case"
          label="Cases"
          value=""
          options={caseOptions}
          hint="All cases are those written in the edition's language; a case written in another is exported alone."
        />
        <button type="submit">Export</button>
      </form>
      <form method="post" action="/office/translations/import" enctype="multipart/form-data" class="stack">
        <CsrfField token={p.csrf} />
        <Input
          id="x-import-language"
          name="language"
          label="Language of the file"
          value={p.languages[0]?.[0]}
          options={p.languages}
        />
        <Input id="x-import-file" name="file" label="Translated file" file=".xlf,.xliff,.po" />
        <div class="check">
          <input type="checkbox" id="x-import-approve" name="approve" value="1" />
          <label for="x-import-approve">Approve the units the file marks as final</label>
          <span class="hint">
            {" "}
            (XLIFF reviewed or final, PO entries not fuzzy), where you may approve; the rest need review.
          </span>
        </div>
        <button type="submit">Import</button>
      </form>
      {canExchangeCatalogs(p.user) ? <CatalogForms csrf={p.csrf} /> : null}
    </section>
  );
}

function CatalogForms(p: { csrf: string }) {
  const locales: [string, string][] = CATALOG_LOCALES.map((l) => [l, l]);
  return (
    <>
      <h3>Interface messages</h3>
      <p>The public site's words, in every interface language, checked as ICU MessageFormat on import.</p>
      <form method="get" action="/office/translations/catalogs/export" class="filters">
        <Input id="x-messages-language" name="language" label="Language" value="es" options={locales} />
        <Input id="x-messages-format" name="format" label="Format" value="xliff2" options={FORMAT_OPTIONS} />
        <button type="submit">Export messages</button>
      </form>
      <form
        method="post"
        action="/office/translations/catalogs/import"
        enctype="multipart/form-data"
        class="stack"
      >
        <CsrfField token={p.csrf} />
        <Input
          id="x-messages-file-language"
          name="language"
          label="Language of the file"
          value="es"
          options={locales}
        />
        <Input id="x-messages-file" name="file" label="Translated messages" file=".xlf,.xliff,.po" />
        <button type="submit">Import messages</button>
      </form>
    </>
  );
}

const STATUS: Record<string, string> = { needs_review: "needs review", approved: "approved" };

export function ImportResult(p: {
  user: OfficeUser;
  csrf: string;
  title: string;
  language: string;
  outcome: ImportOutcome;
}) {
  const { imported, refused, unchanged } = p.outcome;
  return (
    <OfficeLayout title={p.title} user={p.user} csrf={p.csrf} current="/office/translations">
      <Notice>
        {imported.length} {imported.length === 1 ? "unit" : "units"} imported into {p.language}, {unchanged}{" "}
        unchanged, {refused.length} refused.
      </Notice>
      {refused.length > 0 ? (
        <>
          <h2>Refused: the source changed after the export</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Unit</th>
                <th scope="col">Line</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {refused.map((r) => (
                <tr>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td>{r.line}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {imported.length > 0 ? (
        <>
          <h2>Imported</h2>
          <ul>
            {imported.map((u) => (
              <li>
                <code>{u.id}</code>: {STATUS[u.status] ?? u.status}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a href="/office/translations">Back to the translations</a>
      </p>
    </OfficeLayout>
  );
}
