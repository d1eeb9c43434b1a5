import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../core/runtime.js";
import { QueryText, single } from "../../platform/http/query.js";
import { pageResponses } from "../../platform/http/responses.js";
import { readOutbox } from "../../platform/mail/mailer.js";
import {
  canReadAudit,
  canReadOutbox,
  currentUser,
  guard,
  OfficeLayout,
  ot,
  sendPage,
} from "../office/index.js";
import { type AuditFilter, auditedEntities, browseAudit } from "./queries.js";
import { AuditLog, type AuditQuery, Outbox } from "./views.js";

// Admins read the audit log (filtered by who, what kind of thing, which one, which action,
// when) and the outbox of emails.

const FILTERS = ["actor", "entity", "id", "action", "from", "to", "before"] as const;

// A filter given twice (?actor=a&actor=b) is ignored, rather than answered 400: see QueryText.
const AuditSearch = Type.Object({
  actor: QueryText({ description: "Who: the account's email" }),
  entity: QueryText({ description: "What kind of thing: user, event, report…" }),
  id: QueryText({ description: "Which one: the thing's id" }),
  action: QueryText({ description: "create, update, invite…" }),
  from: QueryText({ description: "From this day (YYYY-MM-DD, UTC)" }),
  to: QueryText({ description: "To this day, included (YYYY-MM-DD, UTC)" }),
  before: QueryText({ description: "Entries older than this id: the next page" }),
});

function dateParam(value: string | undefined, endOfDay: boolean): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

export function auditRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;

  app.get(
    "/office/audit",
    { preValidation: guard(canReadAudit), schema: { querystring: AuditSearch, response: pageResponses() } },
    async (request, reply) => {
      // Given once, and without NUL (which PostgreSQL refuses in text), or not at all.
      const q: AuditQuery & { before?: string } = {};
      for (const name of FILTERS) {
        const value = single(request.query[name]);
        if (value !== undefined && !value.includes("\u0000")) q[name] = value;
      }
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
      const [entries, kinds] = await Promise.all([browseAudit(pool, filter), auditedEntities(pool)]);
      const next = new URLSearchParams(
        Object.entries({ ...q, before: String(entries.at(-1)?.id ?? "") }).filter(
          (e): e is [string, string] => typeof e[1] === "string" && e[1] !== "",
        ),
      );
      return sendPage(
        reply,
        <OfficeLayout
          title={ot("office.menu.audit")}
          user={currentUser(request)}
          csrf={reply.generateCsrf()}
          current="/office/audit"
        >
          <AuditLog query={q} kinds={kinds} entries={entries} next={next.toString()} />
        </OfficeLayout>,
      );
    },
  );

  app.get(
    "/office/outbox",
    { preValidation: guard(canReadOutbox), schema: { response: pageResponses() } },
    async (request, reply) => {
      const mails = await readOutbox(pool, runtime.db.privacy);
      return sendPage(
        reply,
        <OfficeLayout
          title={ot("office.menu.outbox")}
          user={currentUser(request)}
          csrf={reply.generateCsrf()}
          current="/office/outbox"
        >
          <Outbox mails={mails} smtp={Boolean(runtime.config.smtpUrl)} />
        </OfficeLayout>,
      );
    },
  );
}
