import { html } from "../../platform/views/parts.js";
import { entryName, languageName, MATERIAL_NAMES, type PackPlan } from "./manifest.js";

// index.html at the top of a pack: what is in it, per case, the language each part is in and
// the revision of its texts, so an office sees at a glance what it prints in which language.
// No style or script: it opens from a folder on any computer.

const RTL = new Set(["ar", "fa", "he", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"]);
const dirOf = (tag: string) => (RTL.has(tag.split("-")[0]?.toLowerCase() ?? "") ? "rtl" : "ltr");

function revisionsText(revisions: Record<string, number>): string {
  const entries = Object.entries(revisions);
  return entries.length === 0 ? "—" : entries.map(([field, revision]) => `${field} r${revision}`).join(", ");
}

function IndexPage({ plan, now }: { plan: PackPlan; now: Date }) {
  const { manifest } = plan;
  const language = languageName(manifest.language);
  return (
    <html lang="en" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <title>{`${plan.campaign.title} — case pack, ${language}`}</title>
      </head>
      <body>
        <h1>
          <span lang={plan.campaign.defaultLanguage}>{plan.campaign.title}</span>
          {` — case pack in ${language} (${manifest.language})`}
        </h1>
        <p>{`Built ${now.toISOString().slice(0, 16).replace("T", " ")} UTC. Printed on ${manifest.paper === "letter" ? "US Letter; every document also exists in A4" : "A4; every document also exists in US Letter"} on the site.`}</p>
        <table>
          <thead>
            <tr>
              <th>Case</th>
              <th>Material</th>
              <th>Language</th>
              <th>Texts (revision)</th>
              <th>File</th>
            </tr>
          </thead>
          <tbody>
            {manifest.cases.flatMap((c) =>
              c.materials.map((material) => (
                <tr key={`${c.slug}-${material}`}>
                  <td lang={c.textLanguage} dir={dirOf(c.textLanguage)}>
                    {c.title}
                  </td>
                  <td>{MATERIAL_NAMES[material]}</td>
                  <td>
                    {c.textLanguage === manifest.language
                      ? `${languageName(c.textLanguage)} (${c.textLanguage})`
                      : `${languageName(c.textLanguage)} (${c.textLanguage}), filling in for ${language}`}
                  </td>
                  <td>{`${revisionsText(c.revisions)}${c.photo ? `; photo ${c.photo}` : ""}`}</td>
                  <td>
                    <a href={entryName(c.slug, material, manifest.language)}>
                      {entryName(c.slug, material, manifest.language)}
                    </a>
                  </td>
                </tr>
              )),
            )}
            <tr>
              <td>—</td>
              <td>{MATERIAL_NAMES["event-kit"]}</td>
              <td>{`${languageName(manifest.kit.language)} (${manifest.kit.language})`}</td>
              <td>{`text ${manifest.kit.digest.slice(0, 12)}`}</td>
              <td>
                <a href={entryName("", "event-kit", manifest.language)}>
                  {entryName("", "event-kit", manifest.language)}
                </a>
              </td>
            </tr>
          </tbody>
        </table>
      </body>
    </html>
  );
}

export const indexHtml = (plan: PackPlan, now: Date) => html(<IndexPage plan={plan} now={now} />);
