// What other features may use of materials; everything else in this folder is its own.
export { renderLetterPdf } from "./letter-pdf.js";
