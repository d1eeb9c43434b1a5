import countries from "i18n-iso-countries";
import type { Messages } from "../../platform/i18n/messages.js";
import { WORKER_PATH } from "../abuse/index.js";
import type { Done, FormName, FormState, LimitNotice } from "./forms.js";
import { KEY_PATTERN, MAX_LETTERS, MAX_MESSAGE } from "./forms.js";

// The three ways to act on a case page. Plain HTML forms that work without scripts; errors are
// shown beside their field (aria-describedby) in the reader's language, and the values typed
// are kept. Nothing in them is per visitor (no token, no key: the page is shared by caches);
// assets/forms.js adds an idempotency key when a form is sent and picks the reader's country,
// and without scripts the server recognises a form sent twice (resubmission.ts).

export interface ActFormsProps {
  m: Messages;
  action: (form: FormName | "letter.pdf") => string;
  state: FormState | undefined;
  done: Done | undefined;
  caseName: string;
  /** How long after the edition's end a signer's name and email are kept (RETENTION_MONTHS). */
  retentionMonths: number;
  /** The letter's possible addressees, by position; the PDF is addressed to the one chosen. */
  targets: string[];
  sampleLetter: string;
  /** Shown under the thanks once a form was sent (the share links). */
  afterDone?: preact.ComponentChildren;
}

const CODES = Object.keys(countries.getAlpha2Codes());

function CountrySelect(props: { m: Messages; id: string; value: string; error?: string }) {
  const { m } = props;
  const collator = new Intl.Collator(m.locale);
  const options = CODES.map((code) => [code, m.country(code)] as const).sort((a, b) =>
    collator.compare(a[1], b[1]),
  );
  return (
    <Field id={props.id} label={m.t("form.country")} error={props.error} m={m}>
      <select id={props.id} name="country" required {...invalid(props.id, props.error)}>
        <option value="">{m.t("form.countryChoose")}</option>
        {options.map(([code, name]) => (
          <option value={code} selected={code === props.value}>
            {name}
          </option>
        ))}
      </select>
    </Field>
  );
}

function invalid(id: string, error: string | undefined) {
  return error ? { "aria-invalid": "true" as const, "aria-describedby": `${id}-error` } : {};
}

function Field(props: {
  id: string;
  label: string;
  error?: string;
  m: Messages;
  children: preact.ComponentChildren;
}) {
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={props.id}>{props.label}</label>
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`}>
          {props.m.t(props.error)}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

/**
 * The key the browser's script sent, on the page answering that post (a page for that person
 * only, never cached): sent again unchanged, the form is the same action.
 */
function KeptKey(props: { state: FormState | undefined }) {
  const key = props.state?.values.key;
  return key && KEY_PATTERN.test(key) ? <input type="hidden" name="key" value={key} /> : null;
}

/**
 * A post over its address's budgets. Without scripts: how long to wait. With them,
 * assets/challenge.js solves the proof of work (in ALTCHA's worker), puts it in the `altcha`
 * field and sends the form again by itself — once: after a refused solution it waits for a click.
 */
function LimitSummary(props: { m: Messages; limit: LimitNotice }) {
  const { m, limit } = props;
  const wait =
    limit.retryAfter < 120
      ? m.t("form.limit.waitSeconds", { seconds: limit.retryAfter })
      : m.t("form.limit.waitMinutes", { minutes: Math.ceil(limit.retryAfter / 60) });
  return (
    <>
      <div class="form-error" role="alert">
        {limit.refusedSolution ? <p>{m.t("form.limit.refused")}</p> : null}
        <p data-limit-wait>{wait}</p>
        {limit.challenge ? (
          <>
            <p data-limit-solving hidden>
              {m.t("form.limit.solving")}
            </p>
            <p data-limit-ready hidden>
              {m.t("form.limit.ready")}
            </p>
          </>
        ) : null}
      </div>
      {limit.challenge ? (
        <input
          type="hidden"
          name="altcha"
          value=""
          data-challenge={limit.challenge}
          data-worker={WORKER_PATH}
          data-auto={limit.refusedSolution ? "no" : "yes"}
        />
      ) : null}
    </>
  );
}

export function ActForms(p: ActFormsProps) {
  const { m } = p;
  const stateOf = (form: FormName) => (p.state?.form === form ? p.state : undefined);
  const value = (form: FormName, field: string, fallback = "") => stateOf(form)?.values[field] ?? fallback;
  const error = (form: FormName, field: string) => stateOf(form)?.errors[field];
  const country = (form: FormName) => value(form, "country");
  const summary = (form: FormName) => {
    const state = stateOf(form);
    if (!state)
      return p.done?.form === form ? (
        <>
          <p class="done" role="status">
            {m.t(p.done.notice)}
          </p>
          {p.done.withdrawHref ? (
            <p class="withdraw">
              <a href={p.done.withdrawHref}>{m.t("signature.withdraw.link")}</a>
            </p>
          ) : null}
          {p.afterDone}
        </>
      ) : null;
    if (state.limit) return <LimitSummary m={m} limit={state.limit} />;
    return (
      <p class="form-error" role="alert">
        {m.t(state.errors.form ?? "form.errorSummary")}
      </p>
    );
  };
  return (
    <section aria-labelledby="act-title" class="act">
      <h2 id="act-title">{m.t("act.title", { name: p.caseName })}</h2>

      <form method="post" action={p.action("letter")} id="act-letter" class="act-form" data-once>
        <h3>{m.t("act.letter.title")}</h3>
        {summary("letter")}
        <KeptKey state={stateOf("letter")} />
        <p>{m.t("act.letter.help")}</p>
        {p.targets.length > 1 ? (
          <Field id="letter-target" label={m.t("act.letter.target")} m={m}>
            <select id="letter-target" name="target">
              {p.targets.map((label, i) => (
                <option value={String(i)}>{label}</option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field id="letter-text" label={m.t("form.letter")} m={m}>
          <textarea id="letter-text" name="body" rows={12} maxLength={10000} dir="auto">
            {p.sampleLetter}
          </textarea>
        </Field>
        <p class="buttons">
          <button type="submit" formaction={`${p.action("letter.pdf")}?paper=a4`} formtarget="_blank">
            {m.t("act.letter.pdfA4")}
          </button>{" "}
          <button type="submit" formaction={`${p.action("letter.pdf")}?paper=letter`} formtarget="_blank">
            {m.t("act.letter.pdfLetter")}
          </button>
        </p>
        <Field
          id="letter-quantity"
          label={m.t("act.letter.quantity")}
          error={error("letter", "quantity")}
          m={m}
        >
          <input
            id="letter-quantity"
            name="quantity"
            type="number"
            min={1}
            max={MAX_LETTERS}
            value={value("letter", "quantity", "1")}
            inputMode="numeric"
            {...invalid("letter-quantity", error("letter", "quantity"))}
          />
        </Field>
        <CountrySelect
          m={m}
          id="letter-country"
          value={country("letter")}
          error={error("letter", "country")}
        />
        <p class="privacy">{m.t("act.letter.privacy")}</p>
        <button type="submit">{m.t("act.letter.sent")}</button>
      </form>

      <form method="post" action={p.action("sign")} id="act-sign" class="act-form" data-once>
        <h3>{m.t("act.sign.title")}</h3>
        {summary("sign")}
        <KeptKey state={stateOf("sign")} />
        <Field id="sign-name" label={m.t("form.name")} error={error("sign", "name")} m={m}>
          <input
            id="sign-name"
            name="name"
            autocomplete="name"
            maxLength={100}
            required
            value={value("sign", "name")}
            {...invalid("sign-name", error("sign", "name"))}
          />
        </Field>
        <Field id="sign-email" label={m.t("form.email")} error={error("sign", "email")} m={m}>
          <input
            id="sign-email"
            name="email"
            type="email"
            autocomplete="email"
            maxLength={254}
            required
            value={value("sign", "email")}
            {...invalid("sign-email", error("sign", "email"))}
          />
        </Field>
        <CountrySelect m={m} id="sign-country" value={country("sign")} error={error("sign", "country")} />
        <div class={error("sign", "consent") ? "field has-error" : "field"}>
          {error("sign", "consent") ? (
            <p class="field-error" id="sign-consent-error">
              {m.t(error("sign", "consent") as string)}
            </p>
          ) : null}
          <input
            id="sign-consent"
            name="consent"
            type="checkbox"
            value="yes"
            required
            checked={value("sign", "consent") === "yes"}
            {...invalid("sign-consent", error("sign", "consent"))}
          />{" "}
          <label for="sign-consent">{m.t("act.sign.consent", { name: p.caseName })}</label>
        </div>
        <p class="privacy">{m.t("act.sign.privacy", { months: p.retentionMonths })}</p>
        <button type="submit">{m.t("act.sign.submit")}</button>
      </form>

      <form method="post" action={p.action("solidarity")} id="act-solidarity" class="act-form" data-once>
        <h3>{m.t("act.solidarity.title")}</h3>
        {summary("solidarity")}
        <KeptKey state={stateOf("solidarity")} />
        <Field
          id="solidarity-message"
          label={m.t("form.message")}
          error={error("solidarity", "message")}
          m={m}
        >
          <p class="help" id="solidarity-help">
            {m.t("act.solidarity.help", { max: MAX_MESSAGE })}
          </p>
          <textarea
            id="solidarity-message"
            name="message"
            rows={4}
            maxLength={MAX_MESSAGE}
            required
            dir="auto"
            {...invalid("solidarity-message", error("solidarity", "message"))}
          >
            {value("solidarity", "message")}
          </textarea>
        </Field>
        <Field id="solidarity-name" label={m.t("form.firstName")} error={error("solidarity", "name")} m={m}>
          <input
            id="solidarity-name"
            name="name"
            autocomplete="given-name"
            maxLength={100}
            required
            value={value("solidarity", "name")}
            {...invalid("solidarity-name", error("solidarity", "name"))}
          />
        </Field>
        <Field
          id="solidarity-email"
          label={m.t("act.solidarity.email")}
          error={error("solidarity", "email")}
          m={m}
        >
          <p class="help" id="solidarity-email-help">
            {m.t("act.solidarity.emailHelp")}
          </p>
          <input
            id="solidarity-email"
            name="email"
            type="email"
            autocomplete="email"
            maxLength={254}
            value={value("solidarity", "email")}
            {...invalid("solidarity-email", error("solidarity", "email"))}
          />
        </Field>
        <CountrySelect
          m={m}
          id="solidarity-country"
          value={country("solidarity")}
          error={error("solidarity", "country")}
        />
        <p class="privacy">{m.t("act.solidarity.privacy", { name: p.caseName })}</p>
        <button type="submit">{m.t("act.solidarity.submit")}</button>
      </form>
    </section>
  );
}
