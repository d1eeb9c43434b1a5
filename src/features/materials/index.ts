// What other features may use of materials; everything else in this folder is its own.
export { FONTS, PRIMARY_FONT, RTL_SCRIPTS, renderLetterPdf, typst } from "./letter-pdf.js";
