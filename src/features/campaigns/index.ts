// What other features may use of campaigns; everything else in this folder is its own.
export { findCampaign } from "./api.js";
export { allowAnyOrigin, allowAnyOriginRaw, answerPreflight } from "./cors.js";
export { readTexts, StatusField, TextField, TextsEditor } from "./office/texts.js";
export { loadCampaignText } from "./texts.js";
