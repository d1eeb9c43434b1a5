import { formatTime, OfficeLayout, type OfficeUser } from "../office/index.js";
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

const STATUS_TEXT: Record<CaseReadiness["status"], string> = {
  ready: "ready",
  outdated: "outdated",
  missing: "missing",
};

function statusText(c: CaseReadiness, language: string): string {
  if (c.textLanguage !== language)
    return `missing: ${languageName(c.textLanguage)} (${c.textLanguage}) fills in`;
  if (c.status === "outdated")
    return `outdated: ${c.outdated} of ${c.total} texts changed in the source since`;
  if (c.missing > 0) return `ready (${c.missing} optional texts untranslated)`;
  return STATUS_TEXT[c.status];
}

function PackLine({ pack }: { pack: LanguagePack }) {
  if (pack.upToDate)
    return (
      <p>
        <a href={pack.href}>{`Download the ${languageName(pack.language)} pack`}</a>
        {` — version ${pack.hash?.slice(0, 12)}, built ${formatTime(pack.builtAt)}`}
      </p>
    );
  return (
    <p>
      <a href={pack.href}>{`Download the ${languageName(pack.language)} pack`}</a>
      {pack.hash
        ? ` — being rebuilt with the latest changes; until then the download is version ${pack.hash.slice(0, 12)}, built ${formatTime(pack.builtAt)}`
        : " — being built for the first time"}
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
    <OfficeLayout title="Materials" user={props.user} csrf={props.csrf} current="/office/materials">
      <h1>Materials</h1>
      <p>
        Each language of a section gets one pack: the case sheet, letters, solidarity cards and poster of
        every case the section features, the event kit, and an index of what is in which language.
      </p>
      {props.sections.length === 0 && <p>You run no section.</p>}
      {props.sections.map((section) => (
        <section key={section.country} aria-labelledby={`s-${section.country}`}>
          <h2 id={`s-${section.country}`}>{`${section.name} (${section.country})`}</h2>
          {section.languages.map((pack) => (
            <div key={pack.language}>
              <h3 lang="en">{`${languageName(pack.language)} (${pack.language})`}</h3>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Case</th>
                    <th scope="col">Texts</th>
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
          <h2 id="downloads">Downloads</h2>
          {props.downloads.length === 0 ? (
            <p>No pack has been downloaded yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Section</th>
                  <th scope="col">Language</th>
                  <th scope="col">Version</th>
                  <th scope="col">By</th>
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
