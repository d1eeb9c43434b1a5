import nodemailer from "nodemailer";
import type pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../../config.js";
import type { Privacy } from "../privacy/privacy.js";

// Every message goes into the outbox table first. With SMTP_URL it is then sent through
// nodemailer and marked sent (or its error kept); without it, it stays in the outbox, which
// admins read in the back office, and the log shows it, which is enough on a laptop. Recipient,
// subject and body are stored sealed (they name people and carry their links); the recipient's
// keyed hash finds a person's mail for an access or erasure request.

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(config: Config, pool: pg.Pool, log: Logger, privacy: Privacy): Mailer {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  return {
    async send(mail) {
      const stored = await pool.query<{ id: number }>(
        `INSERT INTO outbox (recipient_key, recipient_sealed, subject_sealed, body_sealed)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [
          privacy.emailKey(mail.to),
          privacy.seal(mail.to, "email"),
          privacy.seal(mail.subject, "mail"),
          privacy.seal(mail.text, "mail"),
        ],
      );
      // INSERT … RETURNING gives exactly the one row.
      const id = (stored.rows[0] as { id: number }).id;
      if (!transport) {
        log.info(
          { outbox: id, to: mail.to, subject: mail.subject, body: mail.text },
          "mail kept in the outbox",
        );
        return;
      }
      try {
        await transport.sendMail({
          from: config.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
        });
        await pool.query("UPDATE outbox SET sent_at = now() WHERE id = $1", [id]);
      } catch (error) {
        // The person can ask again; the outbox keeps the reason for an admin to see.
        log.error({ err: error, outbox: Number(id) }, "mail not sent");
        await pool.query("UPDATE outbox SET error = $2 WHERE id = $1", [
          id,
          String((error as Error).message),
        ]);
      }
    },
    close() {
      transport?.close();
    },
  };
}

export interface OutboxEntry {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  createdAt: Date;
  sentAt: Date | null;
  error: string | null;
}

/** An outbox row as PostgreSQL returns it (bigints come as numbers: platform/db/database.ts). */
interface OutboxRow {
  id: number;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  recipient_sealed: Buffer | null;
  subject_sealed: Buffer | null;
  body_sealed: Buffer | null;
  created_at: Date;
  sent_at: Date | null;
  error: string | null;
}

export async function readOutbox(pool: pg.Pool, privacy: Privacy, limit = 100): Promise<OutboxEntry[]> {
  const result = await pool.query<OutboxRow>(
    `SELECT id, recipient, subject, body, recipient_sealed, subject_sealed, body_sealed, created_at, sent_at, error
       FROM outbox ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return result.rows.map((row) => ({
    id: row.id,
    // An erased mail keeps its row (when, whether it went) and loses what it said.
    recipient: privacy.read(row.recipient_sealed, row.recipient, "email") ?? "",
    subject: privacy.read(row.subject_sealed, row.subject, "mail") ?? "",
    body: privacy.read(row.body_sealed, row.body, "mail") ?? "",
    createdAt: row.created_at,
    sentAt: row.sent_at,
    error: row.error,
  }));
}
