import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { formErrors, formValues, messages } from "../../../platform/http/forms.js";
import type { Errors } from "../../office/index.js";
import {
  EVENT_ERRORS as E,
  type EventDraft,
  type EventValues,
  MAX_ADDRESS,
  MAX_DESCRIPTION,
  MAX_TITLE,
  validateEvent,
} from "../model.js";

// The event form of the back office as one TypeBox schema: each field's shape and the sentence
// shown beside it when it is wrong. What a schema cannot say (the country is one of this
// person's, both coordinates or neither, the end after the start in the event's zone) is
// validateEvent's, with the same sentences.

const optional = (schema: ReturnType<typeof Type.String>) => Type.Optional(schema);

export const EventForm = Type.Object({
  title: Type.String({ maxLength: MAX_TITLE, ...messages(E.title) }),
  description: optional(Type.String({ maxLength: MAX_DESCRIPTION, ...messages(E.description) })),
  address: Type.String({ maxLength: MAX_ADDRESS, ...messages(E.address) }),
  country: Type.String({ pattern: "^[A-Za-z]{2}$", ...messages(E.country) }),
  // A decimal comma is accepted: 48,85 is how many people write it.
  latitude: optional(Type.String({ pattern: "^[+-]?(\\d+([.,]\\d*)?|[.,]\\d+)$", ...messages(E.latitude) })),
  longitude: optional(
    Type.String({ pattern: "^[+-]?(\\d+([.,]\\d*)?|[.,]\\d+)$", ...messages(E.longitude) }),
  ),
  time_zone: Type.String({ maxLength: 64, ...messages(E.timeZone) }),
  starts: Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$", ...messages(E.format) }),
  ends: Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$", ...messages(E.format) }),
  capacity: optional(Type.String({ pattern: "^\\d+$", ...messages(E.capacity) })),
  public: optional(Type.String()),
});

/** The draft as typed (shown again with its errors). */
export function draftOf(values: Record<string, string>): EventDraft {
  return {
    title: values.title ?? "",
    description: values.description ?? "",
    address: values.address ?? "",
    country: (values.country ?? "").toUpperCase(),
    latitude: values.latitude ?? "",
    longitude: values.longitude ?? "",
    startsLocal: values.starts ?? "",
    endsLocal: values.ends ?? "",
    timeZone: values.time_zone ?? "",
    capacity: values.capacity ?? "",
    public: (values.public ?? "") !== "",
  };
}

/**
 * A post of the event form: the schema's errors, then validateEvent's for what the schema
 * cannot see. `values` is set only when there is no error at all.
 */
export function checkEventForm(
  request: FastifyRequest,
  mayUseCountry: (country: string) => boolean,
): { draft: EventDraft; errors: Errors; values?: EventValues } {
  const draft = draftOf(formValues(request));
  const checked = validateEvent(draft, mayUseCountry);
  // A time zone that is wrong makes the times unreadable: one error, as validateEvent says.
  const shape = formErrors(request);
  if (checked.errors.time_zone) {
    delete shape.starts;
    delete shape.ends;
  }
  const errors = { ...checked.errors, ...shape };
  if (Object.keys(errors).length > 0) return { draft, errors };
  return { draft, errors, values: checked.values };
}
