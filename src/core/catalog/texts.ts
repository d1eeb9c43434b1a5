const base = (tag: string) => tag.split("-")[0]?.toLowerCase() ?? "";

// Which of a case's translations to show a reader: their language with its region (es-MX),
// then without (es), then the campaign's default language, then whatever exists.

export interface PickedText<T> {
  text: T;
  language: string;
  /** Shown in another language than the reader's (a regional variant counts as theirs). */
  isFallback: boolean;
}

export function fallbackChain(locale: string, campaignDefault: string): string[] {
  const chain: string[] = [];
  const parts = locale.split("-");
  for (let n = parts.length; n >= 1; n--) chain.push(parts.slice(0, n).join("-"));
  chain.push(campaignDefault);
  return [...new Set(chain.map((tag) => tag.toLowerCase()))];
}

export function pickText<T>(
  texts: Record<string, T>,
  locale: string,
  campaignDefault: string,
): PickedText<T> | undefined {
  const byLower = new Map(
    Object.entries(texts).map(([tag, text]) => [tag.toLowerCase(), [tag, text] as const]),
  );
  const wanted = fallbackChain(locale, campaignDefault);
  for (const tag of wanted) {
    const found = byLower.get(tag);
    if (found) return { text: found[1], language: found[0], isFallback: base(found[0]) !== base(locale) };
  }
  const first = Object.entries(texts)[0];
  return first ? { text: first[1], language: first[0], isFallback: true } : undefined;
}
