import { formatTime, OfficeLayout, type OfficeUser, officeMessages, ot } from "../office/index.js";

const officeLocale = () => officeMessages().locale;

import { languageName } from "./manifest.js";
import type { Download } from "./store.js";

// /office/materials: per section, per language, what each featured case's materials are in
// (ready, outdated, missing and which language fills in) and the pack to download; for admins,
// who downloaded which pack version and when.

export interface CaseReadiness {
  title: string;
  status: "ready" | "outdated" | "missing";
  /** The language its texts are in here (the section's, or the one filling in). */
  textLanguage: string;
  outdated: number;
  missing: number;
  total: number;
}

export interface LanguagePack {
  language: string;
  cases: CaseReadiness[];
  href: string;
  /** The pack the content says now is built. */
  upToDate: boolean;
  /** The last pack built for this section's language, if any. */
  builtAt: Date | null;
  hash: string | null;
}

export interface SectionPacks {
  country: string;
  name: string;
  languages: LanguagePack[];
}

function statusText(c: CaseReadiness, language: string): string {
  if (c.textLanguage !== language)
    return ot("office.materials.status.missing", {
      language: languageName(c.textLanguage, officeLocale()),
      tag: c.textLanguage,
    });
  if (c.status === "outdated")
    return ot("office.materials.status.outdated", { outdated: c.outdated, total: c.total });
  if (c.missing > 0) return ot("office.materials.status.readyOptional", { missing: c.missing });
  return ot(`office.materials.status.${c.status}`);
}

function PackLine({ pack }: { pack: LanguagePack }) {
  const download = ot("office.materials.download", { language: languageName(pack.language, officeLocale()) });
  const version = pack.hash?.slice(0, 12) ?? "";
  const time = formatTime(pack.builtAt);
  return (
    <p>
      <a href={pack.href}>{download}</a>
      {pack.upToDate
        ? ot("office.materials.version", { version, time })
        : pack.hash
          ? ot("office.materials.rebuilding", { version, time })
          : ot("office.materials.first")}
    </p>
  );
}

export function MaterialsPage(props: {
  user: OfficeUser;
  csrf: string;
  sections: SectionPacks[];
  downloads: Download[] | undefined;
}) {
  return (
    <OfficeLayout
      title={ot("office.menu.materials")}
      user={props.user}
      csrf={props.csrf}
      current="/office/materials"
    >
      <p>{ot("office.materials.intro")}</p>
      {props.sections.length === 0 && <p>{ot("office.materials.none")}</p>}
      {props.sections.map((section) => (
        <section key={section.country} aria-labelledby={`s-${section.country}`}>
          <h2 id={`s-${section.country}`}>{`${section.name} (${section.country})`}</h2>
          {section.languages.map((pack) => (
            <div key={pack.language}>
              <h3>{`${languageName(pack.language, officeLocale())} (${pack.language})`}</h3>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{ot("office.materials.case")}</th>
                    <th scope="col">{ot("office.materials.texts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {pack.cases.map((c) => (
                    <tr key={c.title} data-status={c.textLanguage === pack.language ? c.status : "missing"}>
                      <td lang={c.textLanguage}>{c.title}</td>
                      <td>{statusText(c, pack.language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <PackLine pack={pack} />
            </div>
          ))}
        </section>
      ))}
      {props.downloads && (
        <section aria-labelledby="downloads">
          <h2 id="downloads">{ot("office.materials.downloads")}</h2>
          {props.downloads.length === 0 ? (
            <p>{ot("office.materials.noDownloads")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{ot("office.materials.when")}</th>
                  <th scope="col">{ot("office.materials.section")}</th>
                  <th scope="col">{ot("office.materials.language")}</th>
                  <th scope="col">{ot("office.materials.versionColumn")}</th>
                  <th scope="col">{ot("office.materials.by")}</th>
                </tr>
              </thead>
              <tbody>
                {props.downloads.map((d) => (
                  <tr key={`${d.at.toISOString()}-${d.country}-${d.language}-${d.email}`}>
                    <td>{formatTime(d.at)}</td>
                    <td>{d.country}</td>
                    <td>{d.language}</td>
                    <td>
                      <code>{d.hash.slice(0, 12)}</code>
                    </td>
                    <td>{d.email ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </OfficeLayout>
  );
}
