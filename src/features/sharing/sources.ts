// Where an action came from, when a share link brought it: the links on the case page carry
// ?source=<one of these>, and the action records it (actions.source). Only this fixed list is
// ever stored — anything else a link says becomes "other" — so no one can put personal data,
// or an unbounded number of values, into the ledger through a URL.

export const SHARE_SOURCES = ["link", "email", "whatsapp", "telegram", "x", "facebook"] as const;
export type ShareSource = (typeof SHARE_SOURCES)[number] | "other";

const KNOWN: ReadonlySet<string> = new Set(SHARE_SOURCES);

/** A known source, "other" for any other non-empty value, undefined for none. */
export function shareSource(value: unknown): ShareSource | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  if (text === "") return undefined;
  return KNOWN.has(text) ? (text as ShareSource) : "other";
}

/**
 * The source of a form post: the field the page's script copied from ?source, else the one in
 * the page's address as the browser's Referer tells it (same origin only: our own
 * Referrer-Policy, strict-origin-when-cross-origin, sends the whole address to ourselves; a
 * browser or extension that trims referrers loses the source, and that is all it loses).
 */
export function sourceOfPost(
  field: unknown,
  referer: string | undefined,
  /** This site's hosts: the request's Host and PUBLIC_URL's (a proxy may rewrite one of them). */
  hosts: (string | undefined)[],
): ShareSource | undefined {
  const posted = shareSource(field);
  if (posted || !referer) return posted;
  try {
    const url = new URL(referer);
    // Through URL, so that a default port is spelled as the Referer spells it.
    const ours = hosts.filter((h) => h !== undefined).map((h) => new URL(`${url.protocol}//${h}`).host);
    return ours.includes(url.host) ? shareSource(url.searchParams.get("source")) : undefined;
  } catch {
    return undefined;
  }
}
