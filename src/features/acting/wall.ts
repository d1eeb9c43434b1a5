import type pg from "pg";

export interface WallMessage {
  /** Null once retention erased the name: the wall says "a supporter". */
  author: string | null;
  country: string;
  language: string;
  body: string;
  createdAt: Date;
}

const WALL_SIZE = 20;

interface WallRow {
  author: string | null;
  country: string;
  language: string;
  body: string;
  created_at: Date;
}

/** The latest approved solidarity messages for a case: only what a moderator let through. */
export async function solidarityWall(db: pg.Pool, caseId: number): Promise<WallMessage[]> {
  const result = await db.query<WallRow>(
    `SELECT author, country, language, body, created_at FROM solidarity_messages
      WHERE case_id = $1 AND status = 'approved' ORDER BY created_at DESC LIMIT ${WALL_SIZE}`,
    [caseId],
  );
  return result.rows.map((r) => ({
    author: r.author,
    country: r.country,
    language: r.language,
    body: r.body,
    createdAt: r.created_at,
  }));
}
