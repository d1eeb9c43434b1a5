import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { readOutbox } from "../../platform/mail/mailer.js";
import { AUDIT_PAGE, type AuditFilter, browseAudit } from "../office/audit.js";
import { currentUser, guard } from "../office/context.js";
import { sendPage } from "../office/form.js";
import { OfficeLayout } from "../office/layout.js";
import { canReadAudit, canReadOutbox } from "../office/policy.js";
import { Field, formatTime } from "../office/ui.js";

// Admins read the audit log (filtered by who, what kind of thing, which one, which action,
// when) and the outbox of emails.

const show = (value: unknown) =>
  value === null || value === undefined ? "" : JSON.stringify(value, null, 1);

function dateParam(value: string | undefined, endOfDay: boolean): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

/**
 * A delivered email's one-time link is the recipient's alone: an admin reading the outbox must
 * not be able to reset someone else's password with it. Undelivered mail (no SMTP) is shown whole,
 * because then the outbox is how it reaches people.
 */
const withoutLinks = (body: string) =>
  body.replace(/\/office\/(reset|invite)\/[A-Za-z0-9_-]+/g, "/office/$1/… (link sent by email, hidden here)");

export function auditRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;

  app.get("/office/audit", { preHandler: guard(canReadAudit) }, async (request, reply) => {
    // A name repeated in the query string arrives as an array: such a filter is ignored.
    const q = Object.fromEntries(
      Object.entries(request.query as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === "string" && !e[1].includes("\u0000"),
      ),
    ) as Record<string, string | undefined>;
    const filter: AuditFilter = {
      actor: q.actor?.trim() || undefined,
      entity: q.entity?.trim() || undefined,
      entityId: q.id?.trim() || undefined,
      action: q.action?.trim() || undefined,
      from: dateParam(q.from, false),
      to: dateParam(q.to, true),
      // Ids are bigints; a longer number names no entry (and would not fit the query).
      beforeId: q.before && /^\d{1,15}$/.test(q.before) ? Number(q.before) : undefined,
    };
    const [entries, kinds] = await Promise.all([
      browseAudit(pool, filter),
      pool.query("SELECT DISTINCT entity FROM audit_log ORDER BY entity"),
    ]);
    const next = new URLSearchParams(
      Object.entries({ ...q, before: String(entries.at(-1)?.id ?? "") }).filter(
        (e): e is [string, string] => typeof e[1] === "string" && e[1] !== "",
      ),
    );
    return sendPage(
      reply,
      <OfficeLayout
        title="Audit log"
        user={currentUser(request)}
        csrf={reply.generateCsrf()}
        current="/office/audit"
      >
        <form class="stack filters" method="get" action="/office/audit">
          <Field name="actor" label="Who (email)" value={q.actor} />
          <Field
            name="entity"
            label="What"
            value={q.entity}
            options={[["", "anything"], ...kinds.rows.map((r): [string, string] => [r.entity, r.entity])]}
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
        {entries.length === AUDIT_PAGE ? <a href={`/office/audit?${next}`}>Older changes</a> : null}
      </OfficeLayout>,
    );
  });

  app.get("/office/outbox", { preHandler: guard(canReadOutbox) }, async (request, reply) => {
    const mails = await readOutbox(pool);
    return sendPage(
      reply,
      <OfficeLayout
        title="Outbox"
        user={currentUser(request)}
        csrf={reply.generateCsrf()}
        current="/office/outbox"
      >
        <p>
          {runtime.config.smtpUrl
            ? "Emails are sent through the configured SMTP server; the latest are listed here."
            : "No SMTP server is configured (SMTP_URL): emails are kept here and in the log, not sent."}
        </p>
        {mails.map((m) => (
          <article class="card">
            <h2>{m.subject}</h2>
            <p>
              To {m.recipient} · {formatTime(m.createdAt)} ·{" "}
              {m.sentAt ? `sent ${formatTime(m.sentAt)}` : m.error ? `not sent: ${m.error}` : "not sent"}
            </p>
            <pre class="diff">{m.sentAt ? withoutLinks(m.body) : m.body}</pre>
          </article>
        ))}
      </OfficeLayout>,
    );
  });
}
