import type { Messages } from "../../platform/i18n/messages.js";
import { Layout, type PageContext } from "../../platform/views/layout.js";

// The pages a signer's links open. A link only shows a page with one button: following it
// changes nothing, because mail scanners open every link of an email they deliver — a
// confirmation or a withdrawal is the signer's press of the button (a plain form: no script).

export type LinkPageState =
  | { kind: "ask"; purpose: "confirm" | "withdraw"; token: string }
  | { kind: "confirmed"; withdrawHref: string }
  | { kind: "counted-already" }
  | { kind: "expired" }
  | { kind: "withdrawn"; now: boolean }
  | { kind: "invalid" };

export interface LinkPageProps {
  ctx: PageContext;
  state: LinkPageState;
  caseName: string;
  /** The case's page, in the page's language. */
  caseHref: string | undefined;
  /** Where the page's button posts. */
  action: string;
}

function title(m: Messages, state: LinkPageState): string {
  if (state.kind === "invalid") return m.t("signature.link.invalidTitle");
  if (state.kind === "withdrawn" || (state.kind === "ask" && state.purpose === "withdraw"))
    return m.t("signature.withdraw.title");
  return m.t("signature.confirm.title");
}

function Body(props: LinkPageProps & { m: Messages }) {
  const { m, state, caseName } = props;
  switch (state.kind) {
    case "ask":
      return (
        <form method="post" action={props.action} class="act-form">
          <p>{m.t(`signature.${state.purpose}.ask`, { caseName })}</p>
          <input type="hidden" name="t" value={state.token} />
          <button type="submit">{m.t(`signature.${state.purpose}.button`)}</button>
        </form>
      );
    case "confirmed":
      return (
        <>
          <p class="done" role="status">
            {m.t("signature.confirm.done", { caseName })}
          </p>
          <p class="withdraw">
            <a href={state.withdrawHref}>{m.t("signature.withdraw.link")}</a>
          </p>
        </>
      );
    case "counted-already":
      return <p role="status">{m.t("signature.confirm.already", { caseName })}</p>;
    case "expired":
      return <p role="status">{m.t("signature.confirm.expired", { caseName })}</p>;
    case "withdrawn":
      return (
        <p class="done" role="status">
          {m.t(state.now ? "signature.withdraw.done" : "signature.withdrawn", { caseName })}
        </p>
      );
    case "invalid":
      return <p role="status">{m.t("signature.link.invalid")}</p>;
  }
}

export function LinkPage(props: LinkPageProps) {
  const { m } = props.ctx;
  const heading = title(m, props.state);
  return (
    <Layout ctx={props.ctx} title={heading}>
      <h1>{heading}</h1>
      <Body {...props} m={m} />
      {props.caseHref ? (
        <p>
          <a href={props.caseHref}>{m.t("signature.case.back", { caseName: props.caseName })}</a>
        </p>
      ) : null}
    </Layout>
  );
}
