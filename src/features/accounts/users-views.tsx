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
  officeText,
  ot,
  ROLES,
  type UserRow,
} from "../office/index.js";
import type { ListedUser, SectionChoice } from "./queries.js";

// The account pages of admins: the list of accounts, and the form to invite or change one.

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
  if (user.disabledAt) return ot("office.users.status.disabled");
  if (!user.passwordHash) return ot("office.users.status.invited");
  if (user.lockedUntil && user.lockedUntil > new Date()) return ot("office.users.status.locked");
  return ot("office.users.status.active");
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
    <OfficeLayout
      title={ot("office.menu.accounts")}
      user={props.me}
      csrf={props.csrf}
      current="/office/users"
    >
      {props.done === "invited" ? <Notice>{ot("office.users.notice.invited")}</Notice> : null}
      {props.done === "saved" ? <Notice>{ot("office.users.notice.saved")}</Notice> : null}
      <p>
        <a class="button" href="/office/users/new">
          {ot("office.users.invite")}
        </a>
      </p>
      <table>
        <caption class="sr-only">{ot("office.menu.accounts")}</caption>
        <thead>
          <tr>
            <th scope="col">{ot("office.users.email")}</th>
            <th scope="col">{ot("office.users.name")}</th>
            <th scope="col">{ot("office.users.role")}</th>
            <th scope="col">{ot("office.users.sections")}</th>
            <th scope="col">{ot("office.users.languages")}</th>
            <th scope="col">{ot("office.users.status")}</th>
            <th scope="col">{ot("office.users.since")}</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td>
                <a href={`/office/users/${u.id}`}>{u.email}</a>
              </td>
              <td>{u.name}</td>
              <td>{ot(`office.role.${u.role}`)}</td>
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
      title={isNew ? ot("office.users.invite") : ot("office.users.title", { email: user.email })}
      user={props.me}
      csrf={props.csrf}
      current="/office/users"
    >
      <ErrorSummary errors={errors ?? {}} />
      <form class="stack" method="post" action={isNew ? "/office/users" : `/office/users/${user.id}`}>
        <CsrfField token={props.csrf} />
        {isNew ? (
          <Field
            name="email"
            label={ot("office.users.email")}
            type="email"
            value={draft.email}
            errors={errors}
            required
          />
        ) : null}
        <Field
          name="name"
          label={ot("office.users.name")}
          value={draft.name}
          errors={errors}
          hint={ot("office.users.nameHint")}
        />
        <Field
          name="role"
          label={ot("office.users.role")}
          value={draft.role}
          errors={errors}
          options={ROLES.map((r) => [r, `${ot(`office.role.${r}`)}: ${ot(`office.users.roleHelp.${r}`)}`])}
        />
        <fieldset class="field">
          <legend>{ot("office.users.sectionsLegend")}</legend>
          {errors?.sections ? (
            <p class="error" id="f-sections">
              {officeText(errors.sections)}
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
          label={ot("office.users.languagesLabel")}
          value={draft.languages.join(", ")}
          errors={errors}
          hint={ot("office.users.languagesHint")}
        />
        {isNew ? null : (
          <Checkbox name="disabled" label={ot("office.users.disabled")} checked={draft.disabled} />
        )}
        <button type="submit">{ot(isNew ? "office.users.send" : "office.users.save")}</button>
      </form>
      {user && !user.passwordHash && !user.disabledAt ? (
        <form method="post" action={`/office/users/${user.id}/invite`}>
          <CsrfField token={props.csrf} />
          <button type="submit" class="secondary">
            {ot("office.users.sendAgain")}
          </button>
        </form>
      ) : null}
    </OfficeLayout>
  );
}
