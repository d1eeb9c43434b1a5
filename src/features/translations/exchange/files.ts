import { readPo, writePo } from "./po.js";
import { type ExportFile, type Format, fileProblem, type ReadFile } from "./units.js";
import { readXliff, writeXliff2, writeXliff12 } from "./xliff.js";

// One entry for writing and reading an exchange file, whatever its format.

export async function writeExchangeFile(format: Format, file: ExportFile): Promise<Buffer> {
  if (format === "po") return writePo(file);
  return Buffer.from(format === "xliff2" ? await writeXliff2(file) : await writeXliff12(file), "utf8");
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads an uploaded file: XLIFF when it starts with markup, else PO. */
export async function readExchangeFile(data: Buffer): Promise<ReadFile> {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw fileProblem("not_text", "The file is not UTF-8 text: export it again and save it as UTF-8", 1);
  }
  text = text.replace(/^\uFEFF/, "");
  if (text.trim() === "") throw fileProblem("empty_file", "The file is empty", 1);
  return text.trimStart().startsWith("<") ? readXliff(text) : readPo(text);
}
