import type { OfficeUser } from "../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
  OfficeLayout,
  officeMessages,
  officeText,
  ot,
} from "../office/index.js";
import { PAGE_SIZE, type QueueMessage, STATUSES, type Status } from "./queue.js";

// The moderation page: the filters, and the queue as a table with a decision per message and
// for the ticked ones.

const statusLabel = (status: Status): string => ot(`office.moderation.status.${status}`);

export interface Filter {
  status: Status;
  /** A case slug, or "" for every case. */
  case: string;
}

export function ModerationPage(props: {
  user: OfficeUser;
  csrf: string;
  filter: Filter;
  /** Case id → slug, of the catalog. */
  slugs: Map<number, string>;
  messages: QueueMessage[];
  total: number;
  /** The countries this person moderates; null for all. */
  countries: string[] | null;
  errors?: Errors;
  notice?: string;
}) {
  const { user, csrf, filter, slugs, messages, total, countries } = props;
  const errors = props.errors ?? {};
  const caseOptions: [string, string][] = [
    ["", ot("office.moderation.allCases")],
    ...[...slugs.values()].sort().map((slug): [string, string] => [slug, slug]),
  ];
  return (
    <OfficeLayout title={ot("office.menu.moderation")} user={user} csrf={csrf} current="/office/moderation">
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={errors} />
      {countries && countries.length === 0 ? <p>{ot("office.moderation.noSection")}</p> : null}
      <form class="filters" method="get" action="/office/moderation">
        <Field
          name="status"
          label={ot("office.moderation.statusLabel")}
          value={filter.status}
          options={STATUSES.map((s) => [s, statusLabel(s)])}
        />
        <Field name="case" label={ot("office.moderation.case")} value={filter.case} options={caseOptions} />
        <button type="submit" class="secondary">
          {ot("office.translations.show")}
        </button>
      </form>
      <h2 id="queue-title">
        {ot(filter.status === "pending" ? "office.moderation.countOldest" : "office.moderation.count", {
          status: statusLabel(filter.status),
          count: total,
        })}
      </h2>
      {total > messages.length ? (
        <p class="hint">{ot("office.moderation.showing", { count: PAGE_SIZE })}</p>
      ) : null}
      {messages.length === 0 ? (
        <p>{ot("office.moderation.nothing")}</p>
      ) : (
        <form method="post" action="/office/moderation" id="f-ids">
          <CsrfField token={csrf} />
          <input type="hidden" name="status" value={filter.status} />
          <input type="hidden" name="case" value={filter.case} />
          {errors.ids ? (
            <p class="error" id="f-ids-error">
              {officeText(errors.ids)}
            </p>
          ) : null}
          <table aria-labelledby="queue-title">
            <thead>
              <tr>
                <th scope="col">
                  <span class="sr-only">{ot("office.moderation.select")}</span>
                </th>
                <th scope="col">{ot("office.moderation.message")}</th>
                <th scope="col">{ot("office.moderation.author")}</th>
                <th scope="col">{ot("office.moderation.country")}</th>
                <th scope="col">{ot("office.moderation.case")}</th>
                <th scope="col">{ot("office.moderation.language")}</th>
                <th scope="col">
                  {ot(
                    filter.status === "pending" ? "office.moderation.received" : "office.moderation.decided",
                  )}
                </th>
                <th scope="col">{ot("office.moderation.decide")}</th>
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
                      aria-label={ot("office.moderation.selectFrom", { author: m.author })}
                    />
                  </td>
                  <td lang={m.language} dir="auto">
                    {m.body}
                  </td>
                  <td dir="auto">{m.author}</td>
                  <td>{officeMessages().country(m.country)}</td>
                  <td>{slugs.get(m.caseId) ?? m.caseId}</td>
                  <td>{m.language}</td>
                  <td>
                    {filter.status === "pending"
                      ? formatTime(m.createdAt)
                      : m.moderatedBy
                        ? ot("office.moderation.decidedBy", {
                            time: formatTime(m.moderatedAt),
                            by: m.moderatedBy,
                          })
                        : formatTime(m.moderatedAt)}
                  </td>
                  <td>
                    {m.status !== "approved" ? (
                      <button type="submit" name="one" value={`approve:${m.id}`}>
                        {ot("office.moderation.approve")}
                        <span class="sr-only">
                          {" "}
                          {ot("office.moderation.theMessageFrom", { author: m.author })}
                        </span>
                      </button>
                    ) : null}{" "}
                    {m.status !== "rejected" ? (
                      <button type="submit" name="one" value={`reject:${m.id}`} class="danger">
                        {ot("office.moderation.reject")}
                        <span class="sr-only">
                          {" "}
                          {ot("office.moderation.theMessageFrom", { author: m.author })}
                        </span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="submit" name="decision" value="approve">
              {ot("office.moderation.approveSelected")}
            </button>{" "}
            <button type="submit" name="decision" value="reject" class="danger">
              {ot("office.moderation.rejectSelected")}
            </button>
          </p>
        </form>
      )}
    </OfficeLayout>
  );
}
