import type pg from "pg";
import { type LanguageProgress, languageProgress, loadTranslations } from "./fields.js";
import { languagesInUse } from "./publication.js";

// Languages × cases of one edition: how many of each case's translatable fields are approved
// and current, outdated, or missing in each language. Shared by the translations page and the
// dashboard. Unpublished cases are included: they are translated before they go out.

export interface TranslationProgress {
  languages: string[];
  cases: {
    caseId: number;
    slug: string;
    /** In the case's source language. */
    title: string;
    byLanguage: Record<string, LanguageProgress>;
  }[];
}

interface CaseTitleRow {
  id: number;
  slug: string;
  title: string;
}

export async function translationProgress(pool: pg.Pool, campaignId: number): Promise<TranslationProgress> {
  const [languages, cases] = await Promise.all([
    languagesInUse(pool),
    pool.query<CaseTitleRow>(
      `SELECT c.id, c.slug, coalesce(t.title, '') AS title
         FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
         LEFT JOIN case_texts t ON t.case_id = c.id AND t.language = c.source_language
        WHERE cc.campaign_id = $1 ORDER BY cc.position, c.slug`,
      [campaignId],
    ),
  ]);
  const states = await loadTranslations(
    pool,
    cases.rows.map((row) => row.id),
  );
  return {
    languages,
    cases: cases.rows.map((row) => {
      const entry = states.get(row.id);
      const byLanguage: Record<string, LanguageProgress> = {};
      if (entry) for (const language of languages) byLanguage[language] = languageProgress(entry, language);
      return { caseId: row.id, slug: row.slug, title: row.title, byLanguage };
    }),
  };
}
