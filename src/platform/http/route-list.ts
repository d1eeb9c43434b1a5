import type { FastifyInstance, FastifySchema } from "fastify";

// Every route the server registers, with its schema: the policy matrix checks the back office's
// against its rows, the OpenAPI test the API's against the document, and the route test that
// each declares what it takes and answers. Collected at the root, so it sees every plugin's.

export interface RouteEntry {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    routeList: RouteEntry[];
  }
}

/** Call first, before any route or plugin is registered. */
export function listRoutes(app: FastifyInstance): void {
  const list: RouteEntry[] = [];
  app.decorate("routeList", list);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      // Fastify adds a HEAD for every GET; it is the same route.
      if (method !== "HEAD") list.push({ method, url: route.url, schema: route.schema });
    }
  });
}

/** "METHOD /url" of the routes whose URL passes `keep`. */
export const routeNames = (app: FastifyInstance, keep: (url: string) => boolean): string[] =>
  app.routeList.filter((r) => keep(r.url)).map((r) => `${r.method} ${r.url}`);
