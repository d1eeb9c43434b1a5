// What other features may use of the back-office shell; everything else in this folder is its own.

export type { Actor } from "./audit.js";
export { actorOf, audit, CLI_ACTOR } from "./audit.js";
export {
  currentUser,
  guard,
  notFound,
  OFFICE,
  safeNext,
  signIn,
  signOut,
} from "./context.js";
export { sendPage } from "./form.js";
export { inOfficeLocale, officeKey, officeMessages, officeText, ot } from "./i18n.js";
export { OfficeLayout } from "./layout.js";
export type { SectionOf } from "./policy.js";
export {
  canEditCases,
  canEditSections,
  canExportCounts,
  canInvalidate,
  canLookUpSupporters,
  canManageUsers,
  canModerate,
  canReadActivity,
  canReadAudit,
  canReadOutbox,
  canReport,
  canReviewTranslations,
  canRunEvents,
  canSeeOffice,
  canTranslate,
  isAdmin,
  runsCountry,
} from "./policy.js";
export {
  createSession,
  endAllSessions,
  endSession,
  purgeExpiredSessions,
  SESSION_COOKIE,
} from "./sessions.js";
export { hashToken, newToken } from "./tokens.js";
export type { Errors } from "./ui.js";
export { Checkbox, CsrfField, ErrorSummary, Field, formatTime, Notice } from "./ui.js";
export type { OfficeUser, Role, UserDbRow, UserRow } from "./users.js";
export {
  auditView,
  findUserByEmail,
  getUser,
  insertUser,
  normalizeEmail,
  ROLES,
  USER_COLUMNS,
  userFromRow,
} from "./users.js";
