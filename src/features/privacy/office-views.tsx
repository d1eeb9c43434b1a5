import type { OfficeUser } from "../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
  OfficeLayout,
  ot,
} from "../office/index.js";
import type { Holdings } from "./holdings.js";
import type { Scoped } from "./service.js";

// The back office's look-up: a form for the address, then everything held about that person
// (as far as the reader's countries reach), with the download and the erasure.

function Table(props: { caption: string; head: string[]; rows: (string | number | null)[][] }) {
  if (props.rows.length === 0) return null;
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th scope="col">{ot(h)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            {row.map((cell) => (
              <td dir="auto">{cell ?? "—"}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HoldingsTables(props: { holdings: Holdings }) {
  const h = props.holdings;
  const anonymous = ot("office.privacy.anonymous");
  return (
    <div class="holdings">
      <Table
        caption={ot("office.privacy.supporters", { count: h.supporters.length })}
        head={["office.privacy.col.name", "office.privacy.col.email", "office.privacy.col.since"]}
        rows={h.supporters.map((s) => [s.name, s.email, formatTime(s.createdAt)])}
      />
      <Table
        caption={ot("office.privacy.actions", { count: h.actions.length })}
        head={[
          "office.privacy.col.edition",
          "office.privacy.col.case",
          "office.privacy.col.type",
          "office.privacy.col.country",
          "office.privacy.col.when",
        ]}
        rows={h.actions.map((a) => [a.campaign, a.case, a.type, a.country, formatTime(a.occurredAt)])}
      />
      <Table
        caption={ot("office.privacy.consents", { count: h.consents.length })}
        head={[
          "office.privacy.col.edition",
          "office.privacy.col.purpose",
          "office.privacy.col.notice",
          "office.privacy.col.when",
        ]}
        rows={h.consents.map((c) => [c.campaign, c.purpose, c.noticeVersion, formatTime(c.givenAt)])}
      />
      <Table
        caption={ot("office.privacy.messages", { count: h.messages.length })}
        head={[
          "office.privacy.col.case",
          "office.privacy.col.name",
          "office.privacy.col.message",
          "office.privacy.col.status",
          "office.privacy.col.when",
        ]}
        rows={h.messages.map((m) => [
          m.case,
          m.author ?? anonymous,
          m.body,
          m.status,
          formatTime(m.createdAt),
        ])}
      />
      <Table
        caption={ot("office.privacy.rsvps", { count: h.rsvps.length })}
        head={[
          "office.privacy.col.event",
          "office.privacy.col.name",
          "office.privacy.col.email",
          "office.privacy.col.when",
        ]}
        rows={h.rsvps.map((r) => [r.event, r.name, r.email, formatTime(r.startsAt)])}
      />
      <Table
        caption={ot("office.privacy.mails", { count: h.mails.length })}
        head={["office.privacy.col.subject", "office.privacy.col.when", "office.privacy.col.sent"]}
        rows={h.mails.map((m) => [m.subject, formatTime(m.createdAt), formatTime(m.sentAt)])}
      />
    </div>
  );
}

export function OfficePrivacyPage(props: {
  user: OfficeUser;
  csrf: string;
  email?: string;
  scoped?: Scoped;
  errors?: Errors;
  notice?: string;
}) {
  const { user, csrf, scoped } = props;
  const errors = props.errors ?? {};
  return (
    <OfficeLayout title={ot("office.menu.privacy")} user={user} csrf={csrf} current="/office/privacy">
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={errors} />
      <p>{ot("office.privacy.intro")}</p>
      <form method="post" action="/office/privacy">
        <CsrfField token={csrf} />
        <Field
          name="email"
          type="email"
          label={ot("office.privacy.email")}
          value={props.email}
          errors={errors}
          required
        />
        <button type="submit">{ot("office.privacy.lookUp")}</button>
      </form>
      {scoped && props.email ? (
        <section aria-labelledby="held">
          <h2 id="held">{ot("office.privacy.held")}</h2>
          {!scoped.found ? (
            <p>{ot("office.privacy.nothing")}</p>
          ) : (
            <>
              {scoped.complete ? null : <p class="hint">{ot("office.privacy.partial")}</p>}
              <HoldingsTables holdings={scoped.holdings} />
              <form method="post" action="/office/privacy/download">
                <CsrfField token={csrf} />
                <input type="hidden" name="email" value={props.email} />
                <button type="submit" class="secondary">
                  {ot("office.privacy.download")}
                </button>
              </form>
              {scoped.complete ? (
                <form method="post" action="/office/privacy/erase">
                  <h3>{ot("office.privacy.erase")}</h3>
                  <p>{ot("office.privacy.eraseHint")}</p>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="email" value={props.email} />
                  <div class="check">
                    <input type="checkbox" id="f-confirm" name="confirm" value="yes" />
                    <label for="f-confirm">{ot("office.privacy.confirm")}</label>
                  </div>
                  <button type="submit" class="danger">
                    {ot("office.privacy.eraseButton")}
                  </button>
                </form>
              ) : null}
            </>
          )}
        </section>
      ) : null}
    </OfficeLayout>
  );
}
