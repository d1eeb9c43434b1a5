import { CsrfField, ErrorSummary, type Errors, Field, Notice, OfficeLayout } from "../office/index.js";

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
    <OfficeLayout title="Log in">
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
          label="Email"
          type="email"
          value={props.email}
          required
          attrs={{ autocomplete: "username" }}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          required
          attrs={{ autocomplete: "current-password" }}
        />
        <button type="submit">Log in</button>
      </form>
      <p>
        <a href="/office/reset">Forgot your password?</a>
      </p>
    </OfficeLayout>
  );
}

/** Asking for a reset link: the answer is the same whether or not the email has an account. */
export function ResetRequestPage(props: { csrf: string; email?: string; sent?: boolean; errors?: Errors }) {
  return (
    <OfficeLayout title="Reset your password">
      {props.sent ? (
        <Notice>
          If {props.email} has an account, we have sent it a link to choose a new password. The link works for
          one hour.
        </Notice>
      ) : null}
      <ErrorSummary errors={props.errors ?? {}} />
      <form class="stack" method="post" action="/office/reset">
        <CsrfField token={props.csrf} />
        <Field
          name="email"
          label="Email"
          type="email"
          value={props.email}
          errors={props.errors}
          required
          attrs={{ autocomplete: "username" }}
        />
        <button type="submit">Send me a link</button>
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
    <OfficeLayout title={props.purpose === "invite" ? "Welcome to Inkwell" : "Choose a new password"}>
      <ErrorSummary errors={errors ?? {}} />
      <form class="stack" method="post" action={`/office/${props.purpose}/${props.token}`}>
        <CsrfField token={props.csrf} />
        <p>
          Account: <strong>{props.email}</strong>
        </p>
        {props.purpose === "invite" ? (
          <Field
            name="name"
            label="Your name"
            value={props.name}
            errors={errors}
            required
            attrs={{ autocomplete: "name" }}
          />
        ) : null}
        <Field
          name="password"
          label="New password"
          type="password"
          hint="At least 10 characters. A few words you will remember make a good password."
          errors={errors}
          required
          attrs={{ autocomplete: "new-password" }}
        />
        <button type="submit">Save and continue</button>
      </form>
    </OfficeLayout>
  );
}
