import type { LightMyRequestResponse } from "fastify";
import { hashPassword } from "../../src/features/accounts/passwords.js";
import { createSession, SESSION_COOKIE } from "../../src/features/office/sessions.js";
import { insertUser, type Role, type UserRow } from "../../src/features/office/users.js";
import type { TestApp } from "./app.js";

// Back-office test helpers: accounts made straight in the database, a signed-in client that
// carries its session and CSRF cookies, and the CSRF token of a page's forms.

export const TEST_PASSWORD = "correct horse battery staple";

let counter = 0;

export async function makeUser(
  node: TestApp,
  role: Role,
  options: { email?: string; sectionIds?: number[]; languages?: string[]; countries?: string[] } = {},
): Promise<UserRow> {
  counter += 1;
  const sectionIds = [
    ...(options.sectionIds ?? []),
    ...(options.countries ?? []).map((country) => {
      const id = node.runtime.sectionOf(country);
      if (id === undefined) throw new Error(`no section for ${country}`);
      return id;
    }),
  ];
  return insertUser(node.db.pool, {
    email: options.email ?? `${role}-${counter}-${process.pid}@example.org`,
    name: `Test ${role} ${counter}`,
    role,
    sectionIds,
    languages: options.languages ?? [],
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
}

export interface OfficeClient {
  user?: UserRow;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a urlencoded form with a valid CSRF token (unless the form gives its own _csrf). */
  post(url: string, form?: Record<string, string | string[]>): Promise<LightMyRequestResponse>;
  /** Posts a multipart body (file uploads) with a valid CSRF token as a field. */
  postMultipart(
    url: string,
    fields: Record<string, string>,
    file?: { field: string; filename: string; contentType: string; data: Buffer },
  ): Promise<LightMyRequestResponse>;
  cookies: Record<string, string>;
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

function keepCookies(cookies: Record<string, string>, response: LightMyRequestResponse): void {
  for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
    if (c.value === "" || (c.expires && c.expires.getTime() < Date.now())) delete cookies[c.name];
    else cookies[c.name] = c.value;
  }
}

export function csrfTokenOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error("no CSRF token in the page");
  return match[1];
}

function urlencode(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form))
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return params.toString();
}

/**
 * A client signed in as `user` (a session made directly), or anonymous without one; `address`
 * is the client address its requests come from (127.0.0.1 unless given).
 */
export async function officeClient(
  node: TestApp,
  user?: UserRow,
  options: { address?: string; acceptLanguage?: string } = {},
): Promise<OfficeClient> {
  const cookies: Record<string, string> = {};
  // No Accept-Language unless asked for: the back office answers in English then.
  const language: Record<string, string> = options.acceptLanguage
    ? { "accept-language": options.acceptLanguage }
    : {};
  const remoteAddress = options.address ?? "127.0.0.1";
  if (user) cookies[SESSION_COOKIE] = await createSession(node.db.pool, user.id);
  let token: string | undefined;
  // A new CSRF secret (a login rotates it) makes the token kept so far worthless.
  const keep = (response: LightMyRequestResponse) => {
    if (response.cookies.some((c) => c.name === "_csrf")) token = undefined;
    keepCookies(cookies, response);
  };
  // The login page always renders a form, so it always hands out a CSRF token and its cookie.
  const login = await node.app.inject({
    method: "GET",
    url: "/office/login",
    remoteAddress,
    headers: { ...language, cookie: cookieHeader(cookies) },
  });
  keep(login);
  const csrf = async () => {
    if (token) return token;
    const page = await node.app.inject({
      method: "GET",
      url: "/office/reset",
      remoteAddress,
      headers: { ...language, cookie: cookieHeader(cookies) },
    });
    keep(page);
    token = csrfTokenOf(page.body);
    return token;
  };
  const client: OfficeClient = {
    user,
    cookies,
    async get(url) {
      const response = await node.app.inject({
        method: "GET",
        url,
        remoteAddress,
        headers: { ...language, cookie: cookieHeader(cookies) },
      });
      keep(response);
      return response;
    },
    async post(url, form = {}) {
      const body = { _csrf: await csrf(), ...form };
      const response = await node.app.inject({
        method: "POST",
        url,
        remoteAddress,
        headers: {
          ...language,
          cookie: cookieHeader(cookies),
          "content-type": "application/x-www-form-urlencoded",
        },
        payload: urlencode(body),
      });
      keep(response);
      return response;
    },
    async postMultipart(url, fields, file) {
      const boundary = `----inkwell${Date.now()}`;
      const parts: Buffer[] = [];
      for (const [name, value] of Object.entries({ _csrf: await csrf(), ...fields })) {
        parts.push(
          Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
        );
      }
      if (file) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\ncontent-type: ${file.contentType}\r\n\r\n`,
          ),
          file.data,
          Buffer.from("\r\n"),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      const response = await node.app.inject({
        method: "POST",
        url,
        remoteAddress,
        headers: {
          ...language,
          cookie: cookieHeader(cookies),
          "content-type": `multipart/form-data; boundary=${boundary}`,
        },
        payload: Buffer.concat(parts),
      });
      keep(response);
      return response;
    },
  };
  return client;
}
