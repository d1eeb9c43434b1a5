import type { OutboxEntry } from "../../platform/mail/mailer.js";
import { Field, formatTime, ot } from "../office/index.js";
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
        <Field name="actor" label={ot("office.audit.who")} value={q.actor} />
        <Field
          name="entity"
          label={ot("office.audit.what")}
          value={q.entity}
          options={[["", ot("office.audit.anything")], ...p.kinds.map((k): [string, string] => [k, k])]}
        />
        <Field name="id" label={ot("office.audit.which")} value={q.id} />
        <Field
          name="action"
          label={ot("office.audit.action")}
          value={q.action}
          hint={ot("office.audit.actionHint")}
        />
        <Field name="from" label={ot("office.audit.from")} type="date" value={q.from} />
        <Field name="to" label={ot("office.audit.to")} type="date" value={q.to} />
        <button type="submit">{ot("office.audit.filter")}</button>
      </form>
      <table>
        <caption class="sr-only">{ot("office.audit.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{ot("office.audit.when")}</th>
            <th scope="col">{ot("office.audit.whoHeader")}</th>
            <th scope="col">{ot("office.audit.action")}</th>
            <th scope="col">{ot("office.audit.what")}</th>
            <th scope="col">{ot("office.audit.before")}</th>
            <th scope="col">{ot("office.audit.after")}</th>
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
      {entries.length === 0 ? <p>{ot("office.audit.none")}</p> : null}
      {entries.length === AUDIT_PAGE ? (
        <a href={`/office/audit?${p.next}`}>{ot("office.audit.older")}</a>
      ) : null}
    </>
  );
}

/**
 * A delivered email's one-time link is the recipient's alone: an admin reading the outbox must
 * not be able to reset someone else's password with it. Undelivered mail (no SMTP) is shown whole,
 * because then the outbox is how it reaches people.
 */
const withoutLinks = (body: string) =>
  body.replace(/\/office\/(reset|invite)\/[A-Za-z0-9_-]+/g, `/office/$1/… (${ot("office.outbox.hidden")})`);

export function Outbox(p: { mails: OutboxEntry[]; smtp: boolean }) {
  return (
    <>
      <p>{ot(p.smtp ? "office.outbox.smtp" : "office.outbox.noSmtp")}</p>
      {p.mails.map((m) => (
        <article class="card">
          <h2>{m.subject}</h2>
          <p>
            {ot("office.outbox.to", { recipient: m.recipient })} · {formatTime(m.createdAt)} ·{" "}
            {m.sentAt
              ? ot("office.outbox.sent", { time: formatTime(m.sentAt) })
              : m.error
                ? ot("office.outbox.failed", { error: m.error })
                : ot("office.outbox.notSent")}
          </p>
          <pre class="diff">{m.sentAt ? withoutLinks(m.body) : m.body}</pre>
        </article>
      ))}
    </>
  );
}
