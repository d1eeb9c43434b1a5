import { direction } from "../../platform/i18n/locales.js";
import { Checkbox, CsrfField, ot } from "../office/index.js";
import type { SourceChange } from "./history.js";

// Parts of the translation pages: what changed in the source, and the review settings.

/** The source's changes since the translated revision, word by word (<ins>, <del>). */
export function SourceDiff(props: { change: SourceChange; language: string }) {
  const { change } = props;
  return (
    <div class="source-change">
      <p class="hint">
        {ot("office.translations.diff.changed", { to: change.to, from: change.from })}{" "}
        {ot(change.substantial ? "office.translations.diff.substantial" : "office.translations.diff.stays")}
      </p>
      {change.changes ? (
        <p class="diff" lang={props.language} dir={direction(props.language)}>
          {change.changes.map((part) =>
            part.kind === "added" ? (
              <ins class="diff-added">{part.text}</ins>
            ) : part.kind === "removed" ? (
              <del class="diff-removed">{part.text}</del>
            ) : (
              part.text
            ),
          )}
        </p>
      ) : (
        <p class="hint">{ot("office.translations.diff.none", { from: change.from })}</p>
      )}
    </div>
  );
}

export interface ReviewSection {
  id: number;
  name: string;
  languages: string[];
  /** The languages whose translations someone other than their translator must approve. */
  review: string[];
}

/** Which of a section's languages need a second person to approve (four eyes). */
export function ReviewPanel(props: { csrf: string; sections: ReviewSection[] }) {
  if (props.sections.length === 0) return null;
  return (
    <form method="post" action="/office/translations/review" class="stack">
      <h2>{ot("office.translations.review.title")}</h2>
      <p class="hint">{ot("office.translations.review.hint")}</p>
      <CsrfField token={props.csrf} />
      {props.sections.map((section) => (
        <fieldset class="field">
          <legend>{section.name}</legend>
          {section.languages.map((language) => (
            <Checkbox
              name={`review-${section.id}-${language}`}
              label={ot("office.translations.review.language", { language })}
              checked={section.review.some((l) => l.toLowerCase() === language.toLowerCase())}
            />
          ))}
        </fieldset>
      ))}
      <button type="submit">{ot("office.translations.review.save")}</button>
    </form>
  );
}
