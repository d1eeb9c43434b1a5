import nodemailer from "nodemailer";
import type pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../../config.js";

// Every message goes into the outbox table first. With SMTP_URL it is then sent through
// nodemailer and marked sent (or its error kept); without it, it stays in the outbox, which
// admins read in the back office, and the log shows it, which is enough on a laptop.

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(config: Config, pool: pg.Pool, log: Logger): Mailer {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  return {
    async send(mail) {
      const stored = await pool.query<{ id: number }>(
        "INSERT INTO outbox (recipient, subject, body) VALUES ($1, $2, $3) RETURNING id",
        [mail.to, mail.subject, mail.text],
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
  recipient: string;
  subject: string;
  body: string;
  created_at: Date;
  sent_at: Date | null;
  error: string | null;
}

export async function readOutbox(pool: pg.Pool, limit = 100): Promise<OutboxEntry[]> {
  const result = await pool.query<OutboxRow>(
    "SELECT id, recipient, subject, body, created_at, sent_at, error FROM outbox ORDER BY id DESC LIMIT $1",
    [limit],
  );
  return result.rows.map((row) => ({
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    error: row.error,
  }));
}
