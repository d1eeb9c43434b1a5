import type pg from "pg";

export interface CaseText {
  title: string;
  summary: string;
  story: string;
  ask: string;
}

export interface TargetRow {
  name: string;
  title: string;
  postalAddress: string;
  email: string | null;
}

export interface CaseDetail {
  id: number;
  slug: string;
  country: string;
  texts: Record<string, CaseText>;
  targets: TargetRow[];
}

export async function casesOfCampaign(db: pg.Pool, campaignId: number): Promise<CaseDetail[]> {
  const [cases, texts, targets] = await Promise.all([
    db.query(
      `SELECT c.id, c.slug, c.country FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
        WHERE cc.campaign_id = $1 ORDER BY cc.position, c.slug`,
      [campaignId],
    ),
    db.query(
      `SELECT t.case_id, t.language, t.title, t.summary, t.story, t.ask FROM case_texts t
         JOIN campaign_cases cc ON cc.case_id = t.case_id WHERE cc.campaign_id = $1 ORDER BY t.language`,
      [campaignId],
    ),
    db.query(
      `SELECT t.case_id, t.name, t.title, t.postal_address, t.email FROM targets t
         JOIN campaign_cases cc ON cc.case_id = t.case_id WHERE cc.campaign_id = $1 ORDER BY t.position, t.id`,
      [campaignId],
    ),
  ]);
  const byId = new Map<number, CaseDetail>();
  for (const row of cases.rows) {
    byId.set(row.id, { id: row.id, slug: row.slug, country: row.country, texts: {}, targets: [] });
  }
  for (const row of texts.rows) {
    const detail = byId.get(row.case_id);
    if (detail)
      detail.texts[row.language] = { title: row.title, summary: row.summary, story: row.story, ask: row.ask };
  }
  for (const row of targets.rows) {
    byId.get(row.case_id)?.targets.push({
      name: row.name,
      title: row.title,
      postalAddress: row.postal_address,
      email: row.email,
    });
  }
  return [...byId.values()];
}
