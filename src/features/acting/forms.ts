import { isCountryCode } from "../../core/ledger/intake.js";

// Server-side validation of the case page's forms. Errors are message keys (i18n catalogs), so
// the page shows them beside each field in the reader's language. Values are echoed back.

export type FormName = "sign" | "solidarity" | "letter";
export type FieldErrors = Record<string, string>;

export interface FormState {
  form: FormName;
  values: Record<string, string>;
  errors: FieldErrors;
}

const KEY = /^[A-Za-z0-9-]{16,64}$/;
// Deliberately permissive: a real address has one @ and a dot in its domain; the rest is the
// mail server's business.
export const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
export const MAX_MESSAGE = 500;
export const MAX_LETTERS = 20;

/** A public form's field as trimmed text ("" when missing or not text). */
export function fieldText(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  // PostgreSQL refuses NUL in text: dropped here rather than failing the form with a 500.
  return typeof value === "string" ? value.replaceAll("\u0000", "").trim() : "";
}

export interface Acting {
  key: string;
  country: string;
  name: string;
  email: string;
  message: string;
  quantity: number;
}

/** Validates one of the forms; `acting` is set only when there is no error. */
export function validateForm(form: FormName, body: Record<string, unknown>): FormState & { acting?: Acting } {
  const values: Record<string, string> = {};
  for (const field of ["name", "email", "country", "message", "quantity", "consent", "key"])
    values[field] = fieldText(body, field);
  const errors: FieldErrors = {};
  if (!KEY.test(values.key ?? "")) errors.form = "form.error.expired";
  const country = (values.country ?? "").toUpperCase();
  if (!isCountryCode(country)) errors.country = "form.error.country";
  if (form === "sign" || form === "solidarity") {
    const name = values.name ?? "";
    if (name.length === 0) errors.name = "form.error.required";
    else if (name.length > 100) errors.name = "form.error.tooLong";
  }
  if (form === "sign") {
    const email = values.email ?? "";
    if (email.length === 0) errors.email = "form.error.required";
    else if (email.length > 254 || !EMAIL.test(email)) errors.email = "form.error.email";
    if (values.consent !== "yes") errors.consent = "form.error.consent";
  }
  if (form === "solidarity") {
    const message = values.message ?? "";
    if (message.length === 0) errors.message = "form.error.required";
    else if ([...message].length > MAX_MESSAGE) errors.message = "form.error.tooLong";
  }
  let quantity = 1;
  if (form === "letter") {
    quantity = Number(values.quantity || "1");
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LETTERS)
      errors.quantity = "form.error.quantity";
  }
  const state = { form, values, errors };
  if (Object.keys(errors).length > 0) return state;
  return {
    ...state,
    acting: {
      key: values.key as string,
      country,
      name: values.name ?? "",
      email: (values.email ?? "").toLowerCase(),
      message: values.message ?? "",
      quantity,
    },
  };
}
