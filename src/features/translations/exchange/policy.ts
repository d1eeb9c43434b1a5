import type { OfficeUser } from "../../office/index.js";
import { isAdmin } from "../../office/index.js";
import { translatesInto } from "../policy.js";

// Who may do what with exchange files; the translations policy decides what each may translate.

/** An import approves units only for someone who may approve in that language in the editor. */
export function mayApproveImport(user: OfficeUser, language: string): boolean {
  return translatesInto(user, language);
}

/** The interface's message catalogs are the whole site's words: admins exchange them. */
export function canExchangeCatalogs(user: OfficeUser): boolean {
  return isAdmin(user);
}
