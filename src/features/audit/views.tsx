import type { OutboxEntry } from "../../platform/mail/mailer.js";
import { Field, formatTime } from "../office/index.js";
import { AUDIT_PAGE, type AuditEntry } from "./queries.js";

// The audit log browser and the outbox, as admins read them.

const show = (value: unknown) =>
  value === null || value === undefined ? "" : JSON.stringify(value, null, 1);

/** The filter as it was typed, to show the form again. */
export interface AuditQuery {
  actor?: string;
  entity?: string;
  id?: string;
  action?: string;
  from?: string;
  to?: string;
}

export function AuditLog(p: { query: AuditQuery; kinds: string[]; entries: AuditEntry[]; next: string }) {
  const { query: q, entries } = p;
  return (
    <>
      <form class="stack filters" method="get" action="/office/audit">
        <Field name="actor" label="Who (email)" value={q.actor} />
        <Field
          name="entity"
          label="What"
          value={q.entity}
          options={[["", "anything"], ...p.kinds.map((k): [string, string] => [k, k])]}
        />
        <Field name="id" label="Which (id)" value={q.id} />
        <Field name="action" label="Action" value={q.action} hint="e.g. create, update, invite" />
        <Field name="from" label="From" type="date" value={q.from} />
        <Field name="to" label="To" type="date" value={q.to} />
        <button type="submit">Filter</button>
      </form>
      <table>
        <caption class="sr-only">Changes, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">What</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td>{formatTime(e.at)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                {e.entity} {e.entityId}
              </td>
              <td>
                <pre class="diff">{show(e.before)}</pre>
              </td>
              <td>
                <pre class="diff">{show(e.after)}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 ? <p>No changes match.</p> : null}
      {entries.length === AUDIT_PAGE ? <a href={`/office/audit?${p.next}`}>Older changes</a> : null}
    </>
  );
}

/**
 * A delivered email's one-time link is the recipient's alone: an admin reading the outbox must
 * not be able to reset someone else's password with it. Undelivered mail (no SMTP) is shown whole,
 * because then the outbox is how it reaches people.
 */
const withoutLinks = (body: string) =>
  body.replace(/\/office\/(reset|invite)\/[A-Za-z0-9_-]+/g, "/office/$1/… (link sent by email, hidden here)");

export function Outbox(p: { mails: OutboxEntry[]; smtp: boolean }) {
  return (
    <>
      <p>
        {p.smtp
          ? "Emails are sent through the configured SMTP server; the latest are listed here."
          : "No SMTP server is configured (SMTP_URL): emails are kept here and in the log, not sent."}
      </p>
      {p.mails.map((m) => (
        <article class="card">
          <h2>{m.subject}</h2>
          <p>
            To {m.recipient} · {formatTime(m.createdAt)} ·{" "}
            {m.sentAt ? `sent ${formatTime(m.sentAt)}` : m.error ? `not sent: ${m.error}` : "not sent"}
          </p>
          <pre class="diff">{m.sentAt ? withoutLinks(m.body) : m.body}</pre>
        </article>
      ))}
    </>
  );
}
