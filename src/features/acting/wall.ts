import type pg from "pg";
import type { Privacy } from "../../platform/privacy/privacy.js";

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
  author_sealed: Buffer | null;
  country: string;
  language: string;
  body: string;
  created_at: Date;
}

/**
 * The latest approved solidarity messages for a case: only what a moderator let through. The
 * author's first name is public on the wall (the form says so), so it is opened to be shown; a
 * message whose author was erased shows without a name.
 */
export async function solidarityWall(db: pg.Pool, privacy: Privacy, caseId: number): Promise<WallMessage[]> {
  const result = await db.query<WallRow>(
    `SELECT author, author_sealed, country, language, body, created_at FROM solidarity_messages
      WHERE case_id = $1 AND status = 'approved' ORDER BY created_at DESC LIMIT ${WALL_SIZE}`,
    [caseId],
  );
  return result.rows.map((r) => ({
    author: privacy.read(r.author_sealed, r.author, "name"),
    country: r.country,
    language: r.language,
    body: r.body,
    createdAt: r.created_at,
  }));
}
