// The parts of the `xliff` package (no types of its own) the exchange uses.
declare module "xliff" {
  /** A text, or inline elements (placeholders, markup) as the package represents them. */
  type XliffValue = string | unknown[] | Record<string, unknown>;
  interface XliffUnit {
    source?: XliffValue;
    target?: XliffValue;
    note?: string | string[];
    additionalAttributes?: Record<string, string | number>;
    groupUnits?: Record<string, XliffUnit>;
  }
  interface XliffDocument {
    sourceLanguage?: string;
    targetLanguage?: string;
    xliffVersion?: string;
    resources: Record<string, Record<string, XliffUnit>>;
  }
  export function js2xliff(document: XliffDocument, options?: { indent?: string }): Promise<string>;
  export function jsToXliff12(document: XliffDocument, options?: { indent?: string }): Promise<string>;
  export function xliff2js(text: string): Promise<XliffDocument>;
  export function xliff12ToJs(text: string): Promise<XliffDocument>;
}
