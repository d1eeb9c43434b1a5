import type { OfficeUser } from "../../office/index.js";
import { CsrfField, Notice, OfficeLayout, officeMessages, ot } from "../../office/index.js";
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
    ["", ot("office.exchange.everyCase", { title: p.campaign.title })],
    ...p.cases.map((c): [string, string] => [c.slug, c.title || c.slug]),
  ];
  return (
    <section class="card" aria-labelledby="exchange">
      <h2 id="exchange">{ot("office.exchange.title")}</h2>
      <p>{ot("office.exchange.intro")}</p>
      <form method="get" action="/office/translations/export" class="filters">
        <input type="hidden" name="campaign" value={p.campaign.slug} />
        <Input
          id="x-export-language"
          name="language"
          label={ot("office.exchange.language")}
          value={p.languages[0]?.[0]}
          options={p.languages}
        />
        <Input
          id="x-export-format"
          name="format"
          label={ot("office.exchange.format")}
          value="xliff2"
          options={FORMAT_OPTIONS}
        />
        <Input
          id="x-export-case"
          name="case"
          label={ot("office.exchange.cases")}
          value=""
          options={caseOptions}
          hint={ot("office.exchange.casesHint")}
        />
        <button type="submit">{ot("office.exchange.export")}</button>
      </form>
      <form method="post" action="/office/translations/import" enctype="multipart/form-data" class="stack">
        <CsrfField token={p.csrf} />
        <Input
          id="x-import-language"
          name="language"
          label={ot("office.exchange.fileLanguage")}
          value={p.languages[0]?.[0]}
          options={p.languages}
        />
        <Input id="x-import-file" name="file" label={ot("office.exchange.file")} file=".xlf,.xliff,.po" />
        <div class="check">
          <input type="checkbox" id="x-import-approve" name="approve" value="1" />
          <label for="x-import-approve">{ot("office.exchange.approve")}</label>
          <span class="hint"> {ot("office.exchange.approveHint")}</span>
        </div>
        <button type="submit">{ot("office.exchange.import")}</button>
      </form>
      {canExchangeCatalogs(p.user) ? <CatalogForms csrf={p.csrf} /> : null}
    </section>
  );
}

function CatalogForms(p: { csrf: string }) {
  const locales: [string, string][] = CATALOG_LOCALES.map((l) => [l, l]);
  return (
    <>
      <h3>{ot("office.exchange.messages")}</h3>
      <p>{ot("office.exchange.messagesIntro")}</p>
      <form method="get" action="/office/translations/catalogs/export" class="filters">
        <Input
          id="x-messages-language"
          name="language"
          label={ot("office.exchange.language")}
          value="es"
          options={locales}
        />
        <Input
          id="x-messages-format"
          name="format"
          label={ot("office.exchange.format")}
          value="xliff2"
          options={FORMAT_OPTIONS}
        />
        <button type="submit">{ot("office.exchange.exportMessages")}</button>
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
          label={ot("office.exchange.fileLanguage")}
          value="es"
          options={locales}
        />
        <Input
          id="x-messages-file"
          name="file"
          label={ot("office.exchange.messagesFile")}
          file=".xlf,.xliff,.po"
        />
        <button type="submit">{ot("office.exchange.importMessages")}</button>
      </form>
    </>
  );
}

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
        {ot("office.exchange.result", {
          count: imported.length,
          language: p.language,
          unchanged: officeMessages().number(unchanged),
          refused: officeMessages().number(refused.length),
        })}
      </Notice>
      {refused.length > 0 ? (
        <>
          <h2>{ot("office.exchange.refused")}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{ot("office.exchange.unit")}</th>
                <th scope="col">{ot("office.exchange.line")}</th>
                <th scope="col">{ot("office.exchange.why")}</th>
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
          <h2>{ot("office.exchange.imported")}</h2>
          <ul>
            {imported.map((u) => (
              <li>
                <code>{u.id}</code>: {ot(`office.status.${u.status}`)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a href="/office/translations">{ot("office.translations.back")}</a>
      </p>
    </OfficeLayout>
  );
}
