import type { Messages } from "../../platform/i18n/messages.js";
import { Layout, type PageContext } from "../../platform/views/layout.js";
import { LINK_HOURS, type LinkKind } from "./service.js";

// The public /privacy pages: the request form (the same for every visitor: shared), the page a
// link opens, and what follows it. Only the form's page is shared; the others are one person's.

export interface RequestState {
  values: { email: string };
  errors: Record<string, string>;
}

function RequestForm(props: { m: Messages; action: string; state?: RequestState }) {
  const { m, state } = props;
  const error = state?.errors.email ?? state?.errors.kind;
  return (
    <form method="post" action={props.action} class="act-form" aria-labelledby="privacy-title">
      {state ? (
        <p class="form-error" role="alert">
          {m.t("form.errorSummary")}
        </p>
      ) : null}
      <div class={error ? "field has-error" : "field"}>
        <label for="privacy-email">{m.t("form.email")}</label>
        {error ? (
          <p class="field-error" id="privacy-email-error">
            {m.t(error)}
          </p>
        ) : null}
        <input
          id="privacy-email"
          name="email"
          type="email"
          autocomplete="email"
          maxLength={254}
          required
          value={state?.values.email ?? ""}
          {...(error ? { "aria-invalid": "true", "aria-describedby": "privacy-email-error" } : {})}
        />
      </div>
      <p>
        <button type="submit" name="kind" value="access">
          {m.t("privacy.access")}
        </button>{" "}
        <button type="submit" name="kind" value="erasure">
          {m.t("privacy.erasure")}
        </button>
      </p>
    </form>
  );
}

export function PrivacyPage(props: {
  ctx: PageContext;
  action: string;
  sent?: boolean;
  limited?: boolean;
  state?: RequestState;
}) {
  const { ctx } = props;
  const { m } = ctx;
  return (
    <Layout ctx={ctx} title={m.t("privacy.title")}>
      <h1 id="privacy-title">{m.t("privacy.title")}</h1>
      {props.sent ? (
        <p class="notice" role="status">
          {m.t("privacy.sent", { hours: LINK_HOURS })}
        </p>
      ) : null}
      {props.limited ? (
        <p class="form-error" role="alert">
          {m.t("privacy.limited")}
        </p>
      ) : null}
      <p>{m.t("privacy.intro", { hours: LINK_HOURS })}</p>
      <p>{m.t("privacy.counts")}</p>
      <RequestForm m={m} action={props.action} state={props.state} />
    </Layout>
  );
}

/** What a valid link opens: one button that uses it (a mail scanner's GET uses nothing). */
export function LinkPage(props: { ctx: PageContext; action: string; kind: LinkKind; email: string }) {
  const { ctx, kind } = props;
  const { m } = ctx;
  return (
    <Layout ctx={ctx} title={m.t("privacy.title")}>
      <h1>{m.t("privacy.title")}</h1>
      <form method="post" action={props.action} class="act-form">
        {kind === "access" ? (
          <>
            <p>{m.t("privacy.link.access", { email: props.email })}</p>
            <p>
              <button type="submit" name="do" value="show">
                {m.t("privacy.link.show")}
              </button>{" "}
              <button type="submit" name="do" value="download">
                {m.t("privacy.link.download")}
              </button>
            </p>
          </>
        ) : (
          <>
            <p>{m.t("privacy.link.erasure", { email: props.email })}</p>
            <p>
              <button type="submit" name="do" value="erase">
                {m.t("privacy.link.erase")}
              </button>
            </p>
          </>
        )}
      </form>
    </Layout>
  );
}

/** The data itself, as stored (the same JSON as the download). */
export function DataPage(props: { ctx: PageContext; email: string; json: string; empty: boolean }) {
  const { m } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={m.t("privacy.title")}>
      <h1>{m.t("privacy.data.title", { email: props.email })}</h1>
      {props.empty ? <p>{m.t("privacy.data.nothing")}</p> : <pre class="data">{props.json}</pre>}
      <p>{m.t("privacy.counts")}</p>
    </Layout>
  );
}

export function MessagePage(props: { ctx: PageContext; text: string; back?: string }) {
  const { m } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={m.t("privacy.title")}>
      <h1>{m.t("privacy.title")}</h1>
      <p>{props.text}</p>
      {props.back ? (
        <p>
          <a href={props.back}>{m.t("privacy.link.again")}</a>
        </p>
      ) : null}
    </Layout>
  );
}
