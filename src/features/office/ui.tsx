import type { ComponentChildren } from "preact";
import { officeMessages, officeText, ot } from "./i18n.js";

// Form pieces of the back office: every field has a label, an optional hint, and its error
// right beside it (linked with aria-describedby), and a page with errors lists them on top.

/** Field → message: a message key (office.…) or, where not yet translated, English text. */
export type Errors = Record<string, string>;

export const CsrfField = (props: { token: string }) => (
  <input type="hidden" name="_csrf" value={props.token} />
);

export function ErrorSummary(props: { errors: Errors }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert">
      <h2>{ot("office.form.correct", { count: entries.length })}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#f-${field}`}>{officeText(message)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Notice(props: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {props.children}
    </p>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value?: string | number | null;
  errors?: Errors;
  hint?: string;
  required?: boolean;
  type?: "text" | "email" | "password" | "number" | "date" | "datetime-local" | "url" | "tel" | "file";
  textarea?: boolean;
  rows?: number;
  /** Options as [value, label]; renders a select. */
  options?: [string, string][];
  dir?: "ltr" | "rtl" | "auto";
  lang?: string;
  attrs?: Record<string, string | number | boolean>;
}

export function Field(p: FieldProps) {
  const id = `f-${p.name}`;
  const error = p.errors?.[p.name];
  const described =
    [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common: Record<string, unknown> = {
    id,
    name: p.name,
    required: p.required,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described,
    dir: p.dir,
    lang: p.lang,
    ...p.attrs,
  };
  const value = p.value === null || p.value === undefined ? "" : String(p.value);
  // Passwords and files are never written back into the page.
  const inputAttrs = {
    ...common,
    type: p.type ?? "text",
    value: p.type === "password" || p.type === "file" ? undefined : value,
  } as Record<string, unknown>;
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`}>
          {officeText(error)}
        </p>
      ) : null}
      {p.options ? (
        <select {...common}>
          {p.options.map(([v, label]) => (
            <option value={v} selected={v === value}>
              {label}
            </option>
          ))}
        </select>
      ) : p.textarea ? (
        <textarea {...common} rows={p.rows ?? 6}>
          {value}
        </textarea>
      ) : (
        <input {...inputAttrs} />
      )}
    </div>
  );
}

export function Checkbox(p: {
  name: string;
  label: string;
  checked: boolean;
  value?: string;
  hint?: string;
}) {
  const id = `f-${p.name}${p.value ? `-${p.value}` : ""}`;
  return (
    <div class="check">
      <input type="checkbox" id={id} name={p.name} value={p.value ?? "1"} checked={p.checked} />
      <label for={id}>{p.label}</label>
      {p.hint ? <span class="hint"> {p.hint}</span> : null}
    </div>
  );
}

/** A moment in UTC, in the request's language (date, time, and the zone named). */
export const formatTime = (date: Date | null | undefined): string =>
  date ? `${officeMessages().moment(date, new Date(0))} UTC` : "—";
