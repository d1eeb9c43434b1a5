const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

// Control characters are not allowed in XML at all, escaped or not: a stray one from a dataset
// would make a standalone SVG unreadable, so they are dropped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escapes text for XML and HTML, in element content and in quoted attributes alike. */
export function escapeText(text: string): string {
  return String(text)
    .replace(NOT_XML, "")
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
