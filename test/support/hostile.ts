// The fixed list of hostile inputs the route fuzz test (test/fuzz.test.ts) sends: no random
// values, so a failure names the input that caused it and repeats on every run.

export interface Hostile {
  label: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

/** Path parameter values that a router, a decoder or a query may choke on. */
const PARAMS: [string, string][] = [
  ["long", "a".repeat(2000)],
  ["nul", "%00"],
  ["traversal", "..%2f..%2fetc%2fpasswd"],
  ["non-utf8", "%FF%FE"],
  ["bad-percent", "%"],
  ["slash", "x%2Fy"],
  ["bidi", "%E2%80%AE"],
  ["number", "-1"],
];

/** Each path parameter in turn replaced by each hostile value, the others kept real. */
export function paramVariants(
  real: Record<string, string>,
): { label: string; values: Record<string, string> }[] {
  const variants = [];
  for (const name of Object.keys(real)) {
    for (const [label, value] of PARAMS)
      variants.push({ label: `${name}=${label}`, values: { ...real, [name]: value } });
  }
  return variants;
}

/** Query strings: broken encodings and, for each declared field, repeats, arrays, NUL, length. */
export function queryVariants(fields: string[]): { label: string; query: string }[] {
  const variants = [
    { label: "bad-percent", query: "a=%&b=%ZZ&c=%E0%A4%A" },
    { label: "non-utf8", query: "q=%FF%FE%FD" },
    { label: "nul", query: "q=%00&%00=1" },
    { label: "long", query: `q=${"a".repeat(10_000)}` },
    { label: "many", query: Array.from({ length: 500 }, (_, i) => `k${i}=${i}`).join("&") },
    { label: "proto", query: "__proto__[x]=1&constructor[prototype][y]=2" },
  ];
  for (const field of fields) {
    variants.push(
      { label: `${field} repeated`, query: `${field}=a&${field}=b` },
      { label: `${field} array`, query: `${field}[]=a&${field}[0]=b` },
      { label: `${field} nul`, query: `${field}=%00` },
      { label: `${field} long`, query: `${field}=${"a".repeat(10_000)}` },
      { label: `${field} non-utf8`, query: `${field}=%C3%28%G1` },
    );
  }
  return variants;
}

const BOUNDARY = "----hostile0123456789";
const part = (name: string, value: string) =>
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const filePart = (name: string, filename: string, data: string) =>
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"; filename="${filename}"\r\ncontent-type: text/csv\r\n\r\n${data}\r\n`;
const MULTIPART = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

/** Bodies for a POST; `csrf` is added to forms so that a signed-in client's reach the handler. */
export function bodies(fields: string[], csrf: string | undefined): Omit<Hostile, "url">[] {
  const token = csrf ? `_csrf=${encodeURIComponent(csrf)}&` : "";
  const tokenPart = csrf ? part("_csrf", csrf) : "";
  const list: Omit<Hostile, "url">[] = [
    // Multipart: cut off, no boundary, a broken header, over the limits, a prototype key.
    {
      label: "multipart truncated",
      headers: MULTIPART,
      payload: `${tokenPart}--${BOUNDARY}\r\ncontent-disposition: form-data; name="a"\r\n\r\nbro`,
    },
    { label: "multipart no end", headers: MULTIPART, payload: `${tokenPart}${part("a", "b")}` },
    {
      label: "multipart no boundary",
      headers: { "content-type": "multipart/form-data" },
      payload: part("a", "b"),
    },
    {
      label: "multipart wrong boundary",
      headers: { "content-type": "multipart/form-data; boundary=other" },
      payload: `${part("a", "b")}--${BOUNDARY}--\r\n`,
    },
    {
      label: "multipart bad header",
      headers: MULTIPART,
      payload: `${tokenPart}--${BOUNDARY}\r\nthis is no header\r\n\r\nx\r\n--${BOUNDARY}--\r\n`,
    },
    {
      label: "multipart file truncated",
      headers: MULTIPART,
      payload: `${tokenPart}--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\ncase,type`,
    },
    {
      label: "multipart two files",
      headers: MULTIPART,
      payload: `${tokenPart}${filePart("file", "a.csv", "x")}${filePart("file", "b.csv", "y")}--${BOUNDARY}--\r\n`,
    },
    {
      label: "multipart field too large",
      headers: MULTIPART,
      payload: `${tokenPart}${part("a", "x".repeat(70 * 1024))}--${BOUNDARY}--\r\n`,
    },
    {
      label: "multipart many fields",
      headers: MULTIPART,
      payload: `${tokenPart}${Array.from({ length: 45 }, (_, i) => part(`f${i}`, "x")).join("")}--${BOUNDARY}--\r\n`,
    },
    {
      label: "multipart proto",
      headers: MULTIPART,
      payload: `${tokenPart}${part("__proto__", "x")}--${BOUNDARY}--\r\n`,
    },
    { label: "multipart empty", headers: MULTIPART, payload: "" },
    // JSON: truncated, invalid, not an object, deep, empty, with a BOM, in another charset.
    { label: "json truncated", headers: JSON_TYPE, payload: '{"campaign": "w4r-2012", "case":' },
    { label: "json invalid", headers: JSON_TYPE, payload: "{'a': 1}" },
    { label: "json array", headers: JSON_TYPE, payload: "[1, 2, 3]" },
    { label: "json null", headers: JSON_TYPE, payload: "null" },
    { label: "json string", headers: JSON_TYPE, payload: '"x"' },
    { label: "json deep", headers: JSON_TYPE, payload: `${"[".repeat(5000)}${"]".repeat(5000)}` },
    { label: "json empty", headers: JSON_TYPE, payload: "" },
    { label: "json bom", headers: JSON_TYPE, payload: '\ufeff{"a": 1}' },
    {
      label: "json utf-16",
      headers: { "content-type": "application/json; charset=utf-16" },
      payload: Buffer.from('{"a":1}', "utf16le"),
    },
    {
      label: "json proto",
      headers: JSON_TYPE,
      payload: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
    },
    { label: "json huge", headers: JSON_TYPE, payload: `{"a": "${"x".repeat(1024 * 1024)}"}` },
    // Other types, and none.
    { label: "text/plain", headers: { "content-type": "text/plain" }, payload: "hello" },
    { label: "xml", headers: { "content-type": "application/xml" }, payload: "<a/>" },
    {
      label: "png",
      headers: { "content-type": "image/png" },
      payload: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]),
    },
    { label: "bad content-type", headers: { "content-type": ";;;=/" }, payload: "a=1" },
    { label: "no content-type", payload: "a=1" },
    { label: "gzip claimed", headers: { ...FORM, "content-encoding": "gzip" }, payload: `${token}a=1` },
    {
      label: "form charset",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=klingon" },
      payload: `${token}a=1`,
    },
    // Forms: broken percent-encoding, non-UTF-8 bytes, too large, many keys.
    { label: "form bad-percent", headers: FORM, payload: `${token}a=%ZZ&b=%&c=%E0%A4%A` },
    {
      label: "form non-utf8",
      headers: FORM,
      payload: Buffer.concat([Buffer.from(`${token}a=`), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]),
    },
    { label: "form huge", headers: FORM, payload: `${token}a=${"x".repeat(200 * 1024)}` },
    {
      label: "form many keys",
      headers: FORM,
      payload: token + Array.from({ length: 2000 }, (_, i) => `k${i}=1`).join("&"),
    },
    { label: "form nul", headers: FORM, payload: `${token}%00=%00` },
    // Where a form says it comes from (the public forms' cross-origin check): malformed.
    { label: "form broken origin", headers: { ...FORM, origin: "http://[broken" }, payload: `${token}a=1` },
    {
      label: "form odd fetch site",
      headers: { ...FORM, "sec-fetch-site": "SAME-ORIGIN, cross-site", origin: "null" },
      payload: `${token}a=1`,
    },
  ];
  // Each field's own hostile values only matter once a body passes the CSRF check.
  for (const field of csrf ? fields : []) {
    const each = (label: string, value: string) => ({
      label: `form ${field} ${label}`,
      headers: FORM,
      payload: `${token}${value}`,
    });
    list.push(
      each("repeated", `${field}=a&${field}=b&${field}=c`),
      each("array", `${field}[]=a&${field}[0]=b`),
      each("nul", `${field}=%00x%00`),
      each("long", `${field}=${"a".repeat(60_000)}`),
      each("non-utf8", `${field}=%C3%28%FF%1B%5B31m%0D%0A`),
      {
        label: `json ${field} array`,
        headers: JSON_TYPE,
        payload: JSON.stringify({ [field]: ["a", "b"], ...(csrf ? { _csrf: csrf } : {}) }),
      },
      {
        label: `json ${field} object`,
        headers: JSON_TYPE,
        payload: JSON.stringify({ [field]: { $gt: "" }, ...(csrf ? { _csrf: csrf } : {}) }),
      },
      {
        label: `json ${field} number`,
        headers: JSON_TYPE,
        payload: `{"${field}": 1e400}`,
      },
    );
  }
  return list;
}
