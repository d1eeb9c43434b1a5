import { createHash } from "node:crypto";
import {
  isStructurallySame,
  type MessageFormatElement,
  parse,
  TYPE,
} from "@formatjs/icu-messageformat-parser";
import type pg from "pg";
import { withTransaction } from "../../../platform/db/transaction.js";
import { Problem } from "../../../platform/http/problems.js";
import { DEFAULT_LOCALE, UI_LOCALES } from "../../../platform/i18n/locales.js";
import { effectiveMessage, loadCatalog } from "../../../platform/i18n/messages.js";
import type { OfficeUser } from "../../office/index.js";
import { actorOf, audit, ot } from "../../office/index.js";
import { type ExportUnit, exchangeKey, fileProblem, type ReadFile, signatureMatches } from "./units.js";

// The interface's message catalogs as exchange units: the shared chrome's and every feature's
// messages (whatever loadCatalog merges), one unit "message/<key>" each, English the source.
// Catalogs have no revisions: a unit's revision is a digest of the English message, so a
// message changed by a new release counts as a changed source. Imported messages are stored as
// overrides (message_overrides), which every node reads with its catalog.

/** Languages whose catalogs can be exchanged: the interface languages but the source. */
export const CATALOG_LOCALES = UI_LOCALES.filter((l) => l !== DEFAULT_LOCALE);

const unitId = (key: string) => `message/${key}`;
const revisionOf = (message: string) => createHash("sha256").update(message).digest("hex").slice(0, 16);

/** Argument and tag names, as a translator sees them: {count}, <b>. */
function names(elements: MessageFormatElement[], found = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (
      el.type === TYPE.argument ||
      el.type === TYPE.number ||
      el.type === TYPE.date ||
      el.type === TYPE.time
    )
      found.add(`{${el.value}}`);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      found.add(`{${el.value}}`);
      for (const option of Object.values(el.options)) names(option.value, found);
    }
    if (el.type === TYPE.tag) {
      found.add(`<${el.value}>`);
      names(el.children, found);
    }
  }
  return found;
}

const placeholders = (message: string): string[] => {
  try {
    return [...names(parse(message))].sort();
  } catch {
    return [];
  }
};

export function catalogUnits(locale: string): ExportUnit[] {
  const english = loadCatalog(DEFAULT_LOCALE);
  return Object.entries(english)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, source]) => {
      const target = effectiveMessage(locale, key) ?? "";
      const kept = placeholders(source);
      return {
        id: unitId(key),
        source,
        target,
        status: target === "" ? "missing" : "approved",
        revision: revisionOf(source),
        notes: [
          `Interface message ${key} (ICU MessageFormat)`,
          ...(kept.length ? [`Keep the placeholders: ${kept.join(" ")}`] : []),
        ],
      } satisfies ExportUnit;
    });
}

export interface CatalogOutcome {
  imported: { id: string; status: "approved" }[];
  refused: { id: string; line: number; reason: string }[];
  unchanged: number;
}

/** Checks every message of a catalog file, then stores the changed ones in one transaction. */
export async function importCatalogFile(
  pool: pg.Pool,
  user: OfficeUser,
  file: ReadFile,
): Promise<CatalogOutcome> {
  const secret = await exchangeKey(pool);
  const english = loadCatalog(DEFAULT_LOCALE);
  const locale = file.targetLanguage;
  const refused: CatalogOutcome["refused"] = [];
  const changed: { key: string; message: string }[] = [];
  let unchanged = 0;
  if (file.units.length === 0) throw new Problem(422, "no_units", "The file has no units to import.");
  const current: { key: string; unit: ReadFile["units"][number] }[] = [];
  for (const unit of file.units) {
    const key = unit.id.startsWith("message/") ? unit.id.slice("message/".length) : undefined;
    const source = key === undefined ? undefined : english[key];
    if (key === undefined)
      throw fileProblem("unknown_unit", "notMessage", { id: unit.id }, unit.line, unit.id);
    if (source === undefined) {
      // A release since the export removed it: nothing to translate any more.
      refused.push({ id: unit.id, line: unit.line, reason: ot("office.exchange.reason.gone") });
      continue;
    }
    const revision = revisionOf(source);
    if (unit.revision === revision && unit.source !== source)
      throw fileProblem("source_altered", "messageAltered", { key }, unit.line, unit.id);
    if (unit.revision !== revision)
      refused.push({
        id: unit.id,
        line: unit.line,
        reason: "The English message changed after the export: export again and translate the new text.",
      });
    else current.push({ key, unit });
  }
  if (!signatureMatches(secret, file))
    throw fileProblem("signature_mismatch", "signatureMismatch", {}, file.signatureLine);
  for (const { key, unit } of current) {
    const message = unit.target;
    if (message.trim() === "") {
      unchanged++;
      continue;
    }
    let ast: ReturnType<typeof parse>;
    try {
      ast = parse(message);
    } catch (error) {
      throw fileProblem(
        "invalid_message",
        "invalidMessage",
        { key, detail: (error as Error).message },
        unit.line,
        unit.id,
      );
    }
    const same = isStructurallySame(parse(english[key] as string), ast);
    const wanted = placeholders(english[key] as string);
    const got = [...names(ast)].sort();
    if (!same.success || wanted.join(" ") !== got.join(" "))
      throw fileProblem(
        "placeholders_differ",
        "placeholdersDiffer",
        {
          key,
          wanted: wanted.join(" ") || ot("office.exchange.file.none"),
          got: got.join(" ") || ot("office.exchange.file.none"),
        },
        unit.line,
        unit.id,
      );
    if (message === effectiveMessage(locale, key)) unchanged++;
    else changed.push({ key, message });
  }
  if (changed.length > 0) {
    await withTransaction(pool, async (client) => {
      for (const { key, message } of changed) {
        await client.query(
          `INSERT INTO message_overrides (locale, key, message, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (locale, key) DO UPDATE SET message = EXCLUDED.message,
             updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [locale, key, message, user.id],
        );
      }
      await audit(client, actorOf(user), "import", "message_catalog", locale, null, {
        locale,
        messages: Object.fromEntries(changed.map((c) => [c.key, c.message])),
      });
    });
  }
  return { imported: changed.map((c) => ({ id: unitId(c.key), status: "approved" })), refused, unchanged };
}
