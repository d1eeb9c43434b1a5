import type { FastifyInstance, FastifyReply } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import type { OfficeUser } from "../office/index.js";
import {
  actorOf,
  CsrfField,
  canModerate,
  currentUser,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  formOf,
  guard,
  list,
  Notice,
  notFound,
  OfficeLayout,
  sendPage,
  text,
} from "../office/index.js";
import {
  countriesOf,
  type Decision,
  decide,
  OutOfReach,
  PAGE_SIZE,
  queue,
  STATUSES,
  type Status,
} from "./queue.js";

// Moderation of solidarity messages: the queue, filters, and decisions one by one or in bulk.
// Approved messages show on the case's public wall, which is read on every page load.

const countryName = new Intl.DisplayNames(["en"], { type: "region" });
const STATUS_LABELS: Record<Status, string> = {
  pending: "Waiting",
  approved: "Approved",
  rejected: "Rejected",
};

interface Filter {
  status: Status;
  /** A case slug, or "" for every case. */
  case: string;
}

function filterOf(source: Record<string, unknown>): Filter {
  const status = String(source.status ?? "");
  const slug = String(source.case ?? "");
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : "pending",
    case: /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug) ? slug : "",
  };
}

const queryOf = (filter: Filter, extra: Record<string, string> = {}) =>
  new URLSearchParams({ status: filter.status, ...(filter.case ? { case: filter.case } : {}), ...extra });

export function moderationRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;

  const page = async (
    reply: FastifyReply,
    user: OfficeUser,
    filter: Filter,
    o: { errors?: Errors; notice?: string } = {},
    status = 200,
  ) => {
    const catalog = runtime.catalog();
    const slugs = catalog.caseSlugs;
    const caseId = filter.case ? ([...slugs].find(([, slug]) => slug === filter.case)?.[0] ?? -1) : null;
    const countries = countriesOf(user, catalog);
    const { messages, total } = await queue(pool, { status: filter.status, caseId, countries });
    const errors = o.errors ?? {};
    const csrf = reply.generateCsrf();
    const caseOptions: [string, string][] = [
      ["", "All cases"],
      ...[...slugs.values()].sort().map((slug): [string, string] => [slug, slug]),
    ];
    return sendPage(
      reply,
      <OfficeLayout title="Moderation" user={user} csrf={csrf} current="/office/moderation">
        {o.notice ? <Notice>{o.notice}</Notice> : null}
        <ErrorSummary errors={errors} />
        {countries && countries.length === 0 ? (
          <p>You do not run a section yet, so there are no messages for you to moderate.</p>
        ) : null}
        <form class="filters" method="get" action="/office/moderation">
          <Field
            name="status"
            label="Status"
            value={filter.status}
            options={STATUSES.map((s) => [s, STATUS_LABELS[s]])}
          />
          <Field name="case" label="Case" value={filter.case} options={caseOptions} />
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
        <h2 id="queue-title">
          {STATUS_LABELS[filter.status]}: {total} {total === 1 ? "message" : "messages"}
          {filter.status === "pending" ? ", oldest first" : ""}
        </h2>
        {total > messages.length ? (
          <p class="hint">Showing the first {PAGE_SIZE}. Decide about these and the next ones will appear.</p>
        ) : null}
        {messages.length === 0 ? (
          <p>Nothing here.</p>
        ) : (
          <form method="post" action="/office/moderation" id="f-ids">
            <CsrfField token={csrf} />
            <input type="hidden" name="status" value={filter.status} />
            <input type="hidden" name="case" value={filter.case} />
            {errors.ids ? (
              <p class="error" id="f-ids-error">
                {errors.ids}
              </p>
            ) : null}
            <table aria-labelledby="queue-title">
              <thead>
                <tr>
                  <th scope="col">
                    <span class="sr-only">Select</span>
                  </th>
                  <th scope="col">Message</th>
                  <th scope="col">Author</th>
                  <th scope="col">Country</th>
                  <th scope="col">Case</th>
                  <th scope="col">Language</th>
                  <th scope="col">{filter.status === "pending" ? "Received" : "Decided"}</th>
                  <th scope="col">Decide</th>
                </tr>
              </thead>
              <tbody>
                {messages.map((m) => (
                  <tr>
                    <td>
                      <input
                        type="checkbox"
                        name="ids"
                        value={m.id}
                        id={`m-${m.id}`}
                        aria-label={`Select the message from ${m.author}`}
                      />
                    </td>
                    <td lang={m.language} dir="auto">
                      {m.body}
                    </td>
                    <td dir="auto">{m.author}</td>
                    <td>{countryName.of(m.country) ?? m.country}</td>
                    <td>{slugs.get(m.caseId) ?? m.caseId}</td>
                    <td>{m.language}</td>
                    <td>
                      {filter.status === "pending"
                        ? formatTime(m.createdAt)
                        : `${formatTime(m.moderatedAt)}${m.moderatedBy ? ` by ${m.moderatedBy}` : ""}`}
                    </td>
                    <td>
                      {m.status !== "approved" ? (
                        <button type="submit" name="one" value={`approve:${m.id}`}>
                          Approve<span class="sr-only"> the message from {m.author}</span>
                        </button>
                      ) : null}{" "}
                      {m.status !== "rejected" ? (
                        <button type="submit" name="one" value={`reject:${m.id}`} class="danger">
                          Reject<span class="sr-only"> the message from {m.author}</span>
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <button type="submit" name="decision" value="approve">
                Approve selected
              </button>{" "}
              <button type="submit" name="decision" value="reject" class="danger">
                Reject selected
              </button>
            </p>
          </form>
        )}
      </OfficeLayout>,
      status,
    );
  };

  app.get("/office/moderation", { preHandler: guard(canModerate) }, async (request, reply) => {
    const user = currentUser(request);
    const query = request.query as Record<string, string | undefined>;
    const filter = filterOf(query);
    const n = Number(query.n ?? 0);
    const notice =
      query.done === "approve" || query.done === "reject"
        ? `${query.done === "approve" ? "Approved" : "Rejected"} ${n} ${n === 1 ? "message" : "messages"}.`
        : undefined;
    return page(reply, user, filter, { notice });
  });

  app.post(
    "/office/moderation",
    { preHandler: [guard(canModerate), app.csrfProtection] },
    async (request, reply) => {
      const user = currentUser(request);
      const body = formOf(request.body);
      const filter = filterOf({ status: text(body, "status"), case: text(body, "case") });
      // A message's own button names its decision and id; the bulk buttons use the ticked boxes.
      const one = /^(approve|reject):(.+)$/.exec(text(body, "one"));
      const decision = (one ? one[1] : text(body, "decision")) as Decision;
      const ids = one?.[2] ? [one[2]] : [...list(body, "ids"), ...list(body, "ids[]")];
      if (decision !== "approve" && decision !== "reject") {
        return page(reply, user, filter, { errors: { ids: "Choose to approve or to reject." } }, 422);
      }
      if (ids.length === 0) {
        return page(reply, user, filter, { errors: { ids: "Select at least one message." } }, 422);
      }
      let changed: number;
      try {
        changed = await withTransaction(pool, (client) =>
          decide(client, user, actorOf(user), ids, decision, runtime.sectionOf),
        );
      } catch (error) {
        // One message outside this person's reach fails the whole request: nothing is decided.
        if (error instanceof OutOfReach) throw notFound("A selected message");
        throw error;
      }
      return reply.redirect(
        `/office/moderation?${queryOf(filter, { done: decision, n: String(changed) })}`,
        303,
      );
    },
  );
}
