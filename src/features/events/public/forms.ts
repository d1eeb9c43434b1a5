import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { formErrors, formValues, messages } from "../../../platform/http/forms.js";
import { Email, normalizeEmail } from "../../../platform/rules.js";
import type { RsvpState } from "./pages.js";

// The RSVP form as one TypeBox schema: each rule names the message key shown beside its field,
// in the reader's language.

const required = { required: "form.error.required" };

export const RsvpForm = Type.Object({
  name: Type.String({ maxLength: 100, ...messages("form.error.tooLong", required) }),
  email: Email(messages("form.error.email", required)),
  // Any value: the checkbox sends "yes", and a ticked box is all the consent asks.
  consent: Type.String(messages("events.error.consent")),
});

/** A validated RSVP post: what was typed (to show it again) and the errors, field → message key. */
export function checkRsvp(request: FastifyRequest): RsvpState {
  const typed = formValues(request);
  const values = {
    name: typed.name ?? "",
    email: normalizeEmail(typed.email ?? ""),
    consent: (typed.consent ?? "") !== "",
  };
  return { values, errors: formErrors(request) };
}
