// What other features may use of materials; everything else in this folder is its own.

export {
  renderAppealLetters,
  renderCaseSheet,
  renderEventKit,
  renderPoster,
  renderSolidarityCards,
} from "./documents.js";
export { eventKitText } from "./event-kit.js";
export { FONTS, PRIMARY_FONT, RTL_SCRIPTS, renderLetterPdf, typst } from "./letter-pdf.js";
export { CaseMaterialLinks, EventKitLink } from "./links.js";
export {
  casePageUrl,
  loadMaterialCase,
  type MaterialCase,
  type MaterialTarget,
  materialPhoto,
  servesLanguage,
  toMaterialCase,
} from "./model.js";
export { defaultPaper, LETTER_TERRITORIES, packPaper } from "./paper.js";
export {
  CASE_MATERIALS,
  type CaseMaterial,
  eventKitPath,
  materialPath,
  materialRoutes,
  REPORT_PATH,
} from "./routes.js";
export { appealLetterText, readdressed, salutationFor, wordingFor } from "./wording.js";
