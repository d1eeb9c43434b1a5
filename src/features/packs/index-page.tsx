import { closeUiLocale, DEFAULT_LOCALE, direction } from "../../platform/i18n/locales.js";
import { type Messages, messagesFor } from "../../platform/i18n/messages.js";
import { html } from "../../platform/views/parts.js";
import { entryName, languageName, type PackPlan } from "./manifest.js";

// index.html at the top of a pack: what is in it, per case, the language each part is in and
// the revision of its texts, so an office sees at a glance what it prints in which language.
// No style or script: it opens from a folder on any computer. It speaks the pack's language, or
// the interface language closest to it (Catalan → Spanish), else English.

const RTL = new Set(["ar", "fa", "he", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"]);
const dirOf = (tag: string) => (RTL.has(tag.split("-")[0]?.toLowerCase() ?? "") ? "rtl" : "ltr");

function revisionsText(revisions: Record<string, number>): string {
  const entries = Object.entries(revisions);
  return entries.length === 0 ? "—" : entries.map(([field, revision]) => `${field} r${revision}`).join(", ");
}

function IndexPage({ plan, now, m }: { plan: PackPlan; now: Date; m: Messages }) {
  const { manifest } = plan;
  const name = (tag: string) => languageName(tag, m.locale);
  const language = name(manifest.language);
  const built = now.toISOString().slice(0, 16).replace("T", " ");
  return (
    <html lang={m.locale} dir={direction(m.locale)}>
      <head>
        <meta charset="utf-8" />
        <title>{m.t("office.packs.index.title", { campaign: plan.campaign.title, language })}</title>
      </head>
      <body>
        <h1>
          <span lang={plan.campaign.defaultLanguage}>{plan.campaign.title}</span>
          {m.t("office.packs.index.heading", { language, tag: manifest.language })}
        </h1>
        <p>{`${m.t("office.packs.index.built", { time: built })} ${m.t(`office.packs.index.paper.${manifest.paper}`)}`}</p>
        <table>
          <thead>
            <tr>
              <th>{m.t("office.materials.case")}</th>
              <th>{m.t("office.packs.index.material")}</th>
              <th>{m.t("office.materials.language")}</th>
              <th>{m.t("office.packs.index.revisions")}</th>
              <th>{m.t("office.packs.index.file")}</th>
            </tr>
          </thead>
          <tbody>
            {manifest.cases.flatMap((c) =>
              c.materials.map((material) => (
                <tr key={`${c.slug}-${material}`}>
                  <td lang={c.textLanguage} dir={dirOf(c.textLanguage)}>
                    {c.title}
                  </td>
                  <td>{m.t(`office.packs.material.${material}`)}</td>
                  <td>
                    {c.textLanguage === manifest.language
                      ? `${name(c.textLanguage)} (${c.textLanguage})`
                      : m.t("office.packs.index.fillingIn", {
                          language: name(c.textLanguage),
                          tag: c.textLanguage,
                          packLanguage: language,
                        })}
                  </td>
                  <td>{`${revisionsText(c.revisions)}${c.photo ? `; ${m.t("office.packs.index.photo", { id: c.photo })}` : ""}`}</td>
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
              <td>{m.t("office.packs.material.event-kit")}</td>
              <td>{`${name(manifest.kit.language)} (${manifest.kit.language})`}</td>
              <td>{m.t("office.packs.index.kitText", { digest: manifest.kit.digest.slice(0, 12) })}</td>
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

export const indexHtml = (plan: PackPlan, now: Date) =>
  html(
    <IndexPage
      plan={plan}
      now={now}
      m={messagesFor(closeUiLocale(plan.manifest.language) ?? DEFAULT_LOCALE)}
    />,
  );
