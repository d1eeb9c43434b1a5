// The cookie that holds the CSRF secret of @fastify/csrf-protection. The back office also sets
// it itself (see src/office/context.ts), so both read its name and options from here.

export const CSRF_COOKIE = "_csrf";
export const CSRF_COOKIE_OPTIONS = { path: "/", sameSite: "lax", httpOnly: true } as const;
