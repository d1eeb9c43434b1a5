import { type Static, Type } from "typebox";
import { messages } from "../../platform/http/forms.js";
import { Email } from "../../platform/rules.js";
import { ROLES } from "../office/index.js";
import { MAX_PASSWORD, MIN_PASSWORD } from "./passwords.js";

// The schemas of the account pages and forms: what each route accepts, and the sentence shown
// beside a field when a rule fails.

/** A form with nothing to send but its CSRF token (log out, send an invitation again). */
export const EmptyForm = Type.Object({});

/** Login checks nothing beside the fields: any failure is the same "do not match" answer. */
export const LoginForm = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 320 })),
  password: Type.Optional(Type.String({ maxLength: 1000 })),
  next: Type.Optional(Type.String({ maxLength: 2000 })),
});

export const LoginQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 2000 })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
});

export const ResetForm = Type.Object({ email: Email(messages("office.account.error.email")) });

/** The one-time link of a reset or an invitation; its check (and 404) is findAccountToken's. */
export const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });

// The messages name the limits (10 and 200) in their words: keep them in step with passwords.ts.
const Password = Type.String({
  minLength: MIN_PASSWORD,
  maxLength: MAX_PASSWORD,
  ...messages("office.account.password.short", { maxLength: "office.account.password.long" }),
});

export const ChooseForms = {
  reset: Type.Object({ password: Password }),
  invite: Type.Object({
    name: Type.String({ maxLength: 100, ...messages("office.account.error.name") }),
    password: Password,
  }),
};
export type ChooseBody = Partial<Static<typeof ChooseForms.invite>>;

const Role = Type.Union(
  ROLES.map((role) => Type.Literal(role)),
  messages("office.users.error.role"),
);

const accountFields = {
  name: Type.Optional(Type.String({ maxLength: 100, ...messages("office.users.error.name") })),
  role: Role,
  // Ids of sections; whether each exists is checked against the database.
  sections: Type.Array(
    Type.Integer({ minimum: 1, maximum: 2147483647 }),
    messages("office.users.error.sections"),
  ),
  /** Language tags separated by commas or spaces, each checked with the language rule. */
  languages: Type.Optional(Type.String({ maxLength: 500 })),
};

export const NewUserForm = Type.Object({
  email: Email(messages("office.users.error.email")),
  ...accountFields,
});

export const UserForm = Type.Object({
  ...accountFields,
  disabled: Type.Optional(Type.String()),
});
export type UserBody = Partial<Static<typeof NewUserForm> & Static<typeof UserForm>>;

export const UserParams = Type.Object({ id: Type.String({ maxLength: 20 }) });

export const UsersQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });
