import type { OfficeUser } from "../../office/index.js";
import { isAdmin } from "../../office/index.js";
import { mayApprove } from "../policy.js";

// Who may do what with exchange files; the translations policy decides what each may translate.

/**
 * An import approves units only for someone who may approve in that language in the editor. The
 * importer writes every text the file changes, so where a second person reviews translations
 * into the language (four eyes), her import is only ever "needs review".
 */
export function mayApproveImport(user: OfficeUser, language: string, reviewRequired: boolean): boolean {
  // reviews: false, so only the language's translators (and admins) pass: an import writes texts.
  return mayApprove(user, language, { reviewRequired, reviews: false, editedBy: user.id });
}

/** The interface's message catalogs are the whole site's words: admins exchange them. */
export function canExchangeCatalogs(user: OfficeUser): boolean {
  return isAdmin(user);
}
