import type { OfficeUser } from "../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
  OfficeLayout,
} from "../office/index.js";
import { PAGE_SIZE, type QueueMessage, STATUSES, type Status } from "./queue.js";

// The moderation page: the filters, and the queue as a table with a decision per message and
// for the ticked ones.

const countryName = new Intl.DisplayNames(["en"], { type: "region" });
const STATUS_LABELS: Record<Status, string> = {
  pending: "Waiting",
  approved: "Approved",
  rejected: "Rejected",
};

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
    ["", "All cases"],
    ...[...slugs.values()].sort().map((slug): [string, string] => [slug, slug]),
  ];
  return (
    <OfficeLayout title="Moderation" user={user} csrf={csrf} current="/office/moderation">
      {props.notice ? <Notice>{props.notice}</Notice> : null}
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
    </OfficeLayout>
  );
}
