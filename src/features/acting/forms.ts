import type { FastifyRequest } from "fastify";
import { type Static, Type } from "typebox";
import { isCountryCode } from "../../core/ledger/intake.js";
import { formErrors, formValues, messages } from "../../platform/http/forms.js";
import { Email, normalizeEmail } from "../../platform/rules.js";
import { isToken, linkPath } from "../signatures/index.js";

// The case page's forms, each one TypeBox schema: the route validates a post with it, and each
// rule names the message (an i18n key) shown beside its field in the reader's language.

export type FormName = "sign" | "solidarity" | "letter";
export type FieldErrors = Record<string, string>;

export interface FormState {
  form: FormName;
  values: Record<string, string>;
  errors: FieldErrors;
  /** The post was over its address's budgets: wait, or (with scripts) solve the challenge. */
  limit?: LimitNotice;
}

export interface LimitNotice {
  /** Seconds until the address may act again without a challenge. */
  retryAfter: number;
  /** The proof-of-work challenge as JSON, for assets/challenge.js; none when they are off. */
  challenge?: string;
  /** A solution came with the post and was refused (used before, expired or wrong). */
  refusedSolution: boolean;
}

export const MAX_MESSAGE = 500;
export const MAX_LETTERS = 20;

const required = { required: "form.error.required" };
// The idempotency key the page's script mints when the form is sent (assets/forms.js); without
// scripts there is none, and the server derives one (resubmission.ts). A malformed one is a
// forged form.
export const KEY_PATTERN = /^[A-Za-z0-9-]{16,64}$/;
const Key = Type.Optional(
  Type.String({ pattern: KEY_PATTERN.source, ...messages("form.error.expired", {}, "form") }),
);
const Country = Type.String({ pattern: "^[A-Za-z]{2}$", ...messages("form.error.country") });
const Name = Type.String({ maxLength: 100, ...messages("form.error.tooLong", required) });

export const SignForm = Type.Object({
  key: Key,
  country: Country,
  name: Name,
  email: Email(messages("form.error.email", required)),
  consent: Type.Literal("yes", messages("form.error.consent")),
});

export const SolidarityForm = Type.Object({
  key: Key,
  country: Country,
  name: Name,
  message: Type.String({ maxLength: MAX_MESSAGE, ...messages("form.error.tooLong", required) }),
  // Optional: only so that the person can later see or erase their message (/privacy).
  email: Type.Optional(Email(messages("form.error.email"))),
});

export const LetterForm = Type.Object({
  key: Key,
  country: Country,
  quantity: Type.Integer({
    minimum: 1,
    maximum: MAX_LETTERS,
    default: 1,
    ...messages("form.error.quantity"),
  }),
});

export const FORM_SCHEMAS = { sign: SignForm, solidarity: SolidarityForm, letter: LetterForm } as const;

/** The thank-you after a form was sent: which form, its notice, and a signature's "it wasn't me" link. */
export interface Done {
  form: FormName;
  notice: string;
  withdrawHref?: string;
}

// The case page's ?done= values: a form, or what became of a signature.
const DONE: Record<string, Omit<Done, "withdrawHref">> = {
  sign: { form: "sign", notice: "act.done.sign" },
  "sign-confirm": { form: "sign", notice: "act.done.signConfirm" },
  "sign-again": { form: "sign", notice: "act.done.signAgain" },
  "sign-again-pending": { form: "sign", notice: "act.done.signAgainPending" },
  solidarity: { form: "solidarity", notice: "act.done.solidarity" },
  letter: { form: "letter", notice: "act.done.letter" },
};

/**
 * The thanks a ?done= value names (undefined for any other value), with the withdrawal link of
 * the signature just made when the address carries its token (`w`).
 */
export function doneOf(value: string | undefined, withdrawToken?: string, locale?: string): Done | undefined {
  const done = value === undefined || !Object.hasOwn(DONE, value) ? undefined : DONE[value];
  if (!done) return undefined;
  const signed = value === "sign" || value === "sign-confirm";
  return signed && locale && isToken(withdrawToken)
    ? { ...done, withdrawHref: linkPath(locale, "withdraw", withdrawToken) }
    : done;
}

export interface Acting {
  /** The browser's key, when its script ran. */
  key: string | undefined;
  country: string;
  name: string;
  email: string;
  message: string;
  quantity: number;
}

export type AnyForm = Partial<
  Static<typeof SignForm> & Static<typeof SolidarityForm> & Static<typeof LetterForm>
>;

/** A validated post of one of the forms; `acting` is set only when there is no error. */
export function checkForm(
  form: FormName,
  request: FastifyRequest<{ Body: AnyForm }>,
): FormState & { acting?: Acting } {
  const errors = formErrors(request);
  const values = formValues(request);
  const body = request.body;
  // The country list is the ISO one: a well-formed code that names no country is refused too.
  const country = (body.country ?? "").toUpperCase();
  if (!errors.country && !isCountryCode(country)) errors.country = "form.error.country";
  const state = { form, values, errors };
  if (Object.keys(errors).length > 0) return state;
  return {
    ...state,
    acting: {
      key: body.key,
      country,
      name: body.name ?? "",
      email: normalizeEmail(body.email ?? ""),
      message: body.message ?? "",
      // Only the letter form says how many: a quantity sent with another form is not read.
      quantity: form === "letter" ? (body.quantity ?? 1) : 1,
    },
  };
}
