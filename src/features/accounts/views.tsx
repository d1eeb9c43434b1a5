import { CsrfField, ErrorSummary, type Errors, Field, Notice, OfficeLayout, ot } from "../office/index.js";

// The pages of signing in: the login form, asking for a reset link, and choosing a password
// through a one-time link.

export function LoginPage(props: {
  csrf: string;
  next: string;
  email?: string;
  error?: string;
  notice?: string;
}) {
  return (
    <OfficeLayout title={ot("office.account.login.title")}>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      <form class="stack" method="post" action="/office/login">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <Field
          name="email"
          label={ot("office.account.email")}
          type="email"
          value={props.email}
          required
          attrs={{ autocomplete: "username" }}
        />
        <Field
          name="password"
          label={ot("office.account.password")}
          type="password"
          required
          attrs={{ autocomplete: "current-password" }}
        />
        <button type="submit">{ot("office.account.login.submit")}</button>
      </form>
      <p>
        <a href="/office/reset">{ot("office.account.login.forgot")}</a>
      </p>
    </OfficeLayout>
  );
}

/** Asking for a reset link: the answer is the same whether or not the email has an account. */
export function ResetRequestPage(props: { csrf: string; email?: string; sent?: boolean; errors?: Errors }) {
  return (
    <OfficeLayout title={ot("office.account.reset.title")}>
      {props.sent ? <Notice>{ot("office.account.reset.sent", { email: props.email ?? "" })}</Notice> : null}
      <ErrorSummary errors={props.errors ?? {}} />
      <form class="stack" method="post" action="/office/reset">
        <CsrfField token={props.csrf} />
        <Field
          name="email"
          label={ot("office.account.email")}
          type="email"
          value={props.email}
          errors={props.errors}
          required
          attrs={{ autocomplete: "username" }}
        />
        <button type="submit">{ot("office.account.reset.submit")}</button>
      </form>
    </OfficeLayout>
  );
}

/** One page for both one-time links: a reset asks for a password, an invitation also for a name. */
export function ChoosePage(props: {
  csrf: string;
  purpose: "reset" | "invite";
  token: string;
  email: string;
  name?: string;
  errors?: Errors;
}) {
  const { errors } = props;
  return (
    <OfficeLayout
      title={ot(props.purpose === "invite" ? "office.account.invite.title" : "office.account.choose.title")}
    >
      <ErrorSummary errors={errors ?? {}} />
      <form class="stack" method="post" action={`/office/${props.purpose}/${props.token}`}>
        <CsrfField token={props.csrf} />
        <p>
          {ot("office.account.choose.account")} <strong>{props.email}</strong>
        </p>
        {props.purpose === "invite" ? (
          <Field
            name="name"
            label={ot("office.account.choose.name")}
            value={props.name}
            errors={errors}
            required
            attrs={{ autocomplete: "name" }}
          />
        ) : null}
        <Field
          name="password"
          label={ot("office.account.choose.password")}
          type="password"
          hint={ot("office.account.choose.hint")}
          errors={errors}
          required
          attrs={{ autocomplete: "new-password" }}
        />
        <button type="submit">{ot("office.account.choose.submit")}</button>
      </form>
    </OfficeLayout>
  );
}
