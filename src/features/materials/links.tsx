import type { Messages } from "../../platform/i18n/messages.js";
import type { Paper } from "./documents.js";
import { type CaseMaterial, eventKitPath, materialPath } from "./routes.js";

// Plain links to the printable materials, in the reader's language: the same for every
// visitor, so the pages that carry them stay shared.

const LABELS: Record<CaseMaterial, string> = {
  "case-sheet": "materials.links.caseSheet",
  letters: "materials.links.letters",
  "solidarity-cards": "materials.links.cards",
  poster: "materials.links.poster",
};
const PAPERS: Record<CaseMaterial, Paper[]> = {
  "case-sheet": ["a4", "letter"],
  letters: ["a4", "letter"],
  "solidarity-cards": ["a4", "letter"],
  poster: ["a3", "a4", "letter"],
};

function PaperLinks(props: { m: Messages; href: (paper: Paper) => string; papers: Paper[] }) {
  return (
    <>
      {props.papers.map((paper, i) => (
        <>
          {i > 0 ? " · " : " "}
          <a href={props.href(paper)} type="application/pdf">
            {props.m.t(`materials.links.${paper}`)}
          </a>
        </>
      ))}
    </>
  );
}

export function CaseMaterialLinks(props: { m: Messages; language: string; slug: string }) {
  const { m } = props;
  return (
    <section class="materials" aria-labelledby="materials-title">
      <h2 id="materials-title">{m.t("materials.links.title")}</h2>
      <ul>
        {(Object.keys(LABELS) as CaseMaterial[]).map((material) => (
          <li>
            {m.t(LABELS[material])} (PDF):
            <PaperLinks
              m={m}
              papers={PAPERS[material]}
              href={(paper) => materialPath(props.language, props.slug, material, paper)}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function EventKitLink(props: { m: Messages; language: string }) {
  const { m } = props;
  return (
    <p class="materials">
      {m.t("materials.links.eventKit")} (PDF):
      <PaperLinks m={m} papers={["a4", "letter"]} href={(paper) => eventKitPath(props.language, paper)} />
    </p>
  );
}
