import { direction } from "../../platform/i18n/locales.js";
import { Checkbox, CsrfField } from "../office/index.js";
import type { SourceChange } from "./history.js";

// Parts of the translation pages: what changed in the source, and the review settings.

/** The source's changes since the translated revision, word by word (<ins>, <del>). */
export function SourceDiff(props: { change: SourceChange; language: string }) {
  const { change } = props;
  return (
    <div class="source-change">
      <p class="hint">
        The source changed after this was translated (source revision {change.to}, translated from{" "}
        {change.from}).
        {change.substantial
          ? " The change was marked substantial: this translation is off the public site until it is approved again."
          : " The approved translation stays on the public site until it is updated."}
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
        <p class="hint">The text of revision {change.from} predates the revision history: no comparison.</p>
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
      <h2>Review by a second person</h2>
      <p class="hint">
        A ticked language needs someone other than the person who wrote a text to approve it: another
        translator of the language, a coordinator of a section using it, or an admin.
      </p>
      <CsrfField token={props.csrf} />
      {props.sections.map((section) => (
        <fieldset class="field">
          <legend>{section.name}</legend>
          {section.languages.map((language) => (
            <Checkbox
              name={`review-${section.id}-${language}`}
              label={`${language}: approved by a second person`}
              checked={section.review.some((l) => l.toLowerCase() === language.toLowerCase())}
            />
          ))}
        </fieldset>
      ))}
      <button type="submit">Save the review settings</button>
    </form>
  );
}
