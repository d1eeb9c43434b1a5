import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
  OfficeLayout,
  type OfficeUser,
  ROLES,
  type Role,
  type UserRow,
} from "../office/index.js";
import type { ListedUser, SectionChoice } from "./queries.js";

// The account pages of admins: the list of accounts, and the form to invite or change one.

export const ROLE_HELP: Record<Role, string> = {
  admin: "everything, including accounts and the audit log",
  coordinator: "their sections: languages, featured cases, goal, moderation, reports",
  translator: "translations into their languages",
  organizer: "their own events and their reports",
};

/** An account as its form shows it (the values sent, when the form comes back with errors). */
export interface Draft {
  email: string;
  name: string;
  role: string;
  sectionIds: number[];
  languages: string[];
  disabled: boolean;
}

function statusOf(user: ListedUser): string {
  if (user.disabledAt) return "disabled";
  if (!user.passwordHash) return "invited";
  if (user.lockedUntil && user.lockedUntil > new Date()) return "locked for new browsers";
  return "active";
}

export function UsersPage(props: {
  me: OfficeUser;
  csrf: string;
  users: ListedUser[];
  sections: SectionChoice[];
  done?: string;
}) {
  const names = new Map(props.sections.map((s) => [s.id, s.country]));
  return (
    <OfficeLayout title="Accounts" user={props.me} csrf={props.csrf} current="/office/users">
      {props.done === "invited" ? <Notice>The invitation is on its way.</Notice> : null}
      {props.done === "saved" ? <Notice>Saved.</Notice> : null}
      <p>
        <a class="button" href="/office/users/new">
          Invite a person
        </a>
      </p>
      <table>
        <caption class="sr-only">Accounts</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Sections</th>
            <th scope="col">Languages</th>
            <th scope="col">Status</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td>
                <a href={`/office/users/${u.id}`}>{u.email}</a>
              </td>
              <td>{u.name}</td>
              <td>{u.role}</td>
              <td>{u.sectionIds.map((id) => names.get(id) ?? id).join(", ")}</td>
              <td>{u.languages.join(", ")}</td>
              <td>{statusOf(u)}</td>
              <td>{formatTime(u.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </OfficeLayout>
  );
}

export function UserFormPage(props: {
  me: OfficeUser;
  csrf: string;
  sections: SectionChoice[];
  /** The account being changed; none when inviting a person. */
  user?: UserRow;
  draft: Draft;
  errors?: Errors;
}) {
  const { user, draft, errors } = props;
  const isNew = !user;
  return (
    <OfficeLayout
      title={isNew ? "Invite a person" : `Account: ${user.email}`}
      user={props.me}
      csrf={props.csrf}
      current="/office/users"
    >
      <ErrorSummary errors={errors ?? {}} />
      <form class="stack" method="post" action={isNew ? "/office/users" : `/office/users/${user.id}`}>
        <CsrfField token={props.csrf} />
        {isNew ? (
          <Field name="email" label="Email" type="email" value={draft.email} errors={errors} required />
        ) : null}
        <Field
          name="name"
          label="Name"
          value={draft.name}
          errors={errors}
          hint="Optional; they can set it."
        />
        <Field
          name="role"
          label="Role"
          value={draft.role}
          errors={errors}
          options={ROLES.map((r) => [r, `${r}: ${ROLE_HELP[r]}`])}
        />
        <fieldset class="field">
          <legend>Sections (coordinators and organizers)</legend>
          {errors?.sections ? (
            <p class="error" id="f-sections">
              {errors.sections}
            </p>
          ) : null}
          {props.sections.map((s) => (
            <Checkbox
              name="sections"
              value={String(s.id)}
              label={`${s.name} (${s.country})`}
              checked={draft.sectionIds.includes(s.id)}
            />
          ))}
        </fieldset>
        <Field
          name="languages"
          label="Languages (translators)"
          value={draft.languages.join(", ")}
          errors={errors}
          hint="Language tags separated by commas, e.g. es, pt-BR."
        />
        {isNew ? null : (
          <Checkbox
            name="disabled"
            label="Disabled (cannot log in; all sessions end)"
            checked={draft.disabled}
          />
        )}
        <button type="submit">{isNew ? "Send the invitation" : "Save"}</button>
      </form>
      {user && !user.passwordHash && !user.disabledAt ? (
        <form method="post" action={`/office/users/${user.id}/invite`}>
          <CsrfField token={props.csrf} />
          <button type="submit" class="secondary">
            Send the invitation again
          </button>
        </form>
      ) : null}
    </OfficeLayout>
  );
}
