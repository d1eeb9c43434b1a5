// The cookie that holds the CSRF secret of @fastify/csrf-protection. The back office also sets
// it itself (see src/features/office/context.ts), so both read its name and options from here.

export const CSRF_COOKIE = "_csrf";

/**
 * Whether the cookies Inkwell sets carry the Secure flag: always when PUBLIC_URL is https (people
 * reach the site over TLS even when a proxy in front was not declared with TRUST_PROXY), otherwise
 * when the request itself came over https ("auto": @fastify/cookie reads request.protocol, which
 * honours X-Forwarded-Proto only from a trusted proxy).
 */
export const secureCookies = (publicUrl: string): true | "auto" =>
  publicUrl.startsWith("https://") ? true : "auto";

export const csrfCookieOptions = (publicUrl: string) =>
  ({ path: "/", sameSite: "lax", httpOnly: true, secure: secureCookies(publicUrl) }) as const;
