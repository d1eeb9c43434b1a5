import Fastify, { type FastifyInstance, LogController } from "fastify";
import { type Static, Type } from "typebox";
import { ActionBody } from "../../src/features/acting/api.js";
import { installProblemHandlers } from "../../src/platform/http/problems.js";

// The Fastify set-up the comparison servers share with the real app (src/web/app.ts), so that
// the difference measured is the write path and nothing else: same logger level, no request
// logging, same body limits and validator options, same problem responses.

const ACTION_BODY_LIMIT = 16 * 1024;

// The app's header schema is not exported; this mirrors it so every server validates the same.
const ActionHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7E]+$" }),
  ),
});

const Accepted = Type.Object({ id: Type.String(), recordedAt: Type.String() });

function benchFastify(): FastifyInstance {
  const app = Fastify({
    logger: { level: process.env.LOG_LEVEL ?? "warn" },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
  });
  installProblemHandlers(app);
  app.removeContentTypeParser("text/plain");
  return app;
}

/** Listens on PORT/HOST and stops cleanly on SIGTERM/SIGINT, as `inkwell start` does. */
async function serve(app: FastifyInstance, onClose: () => Promise<void> = async () => {}): Promise<void> {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close().catch(() => {});
    await onClose().catch(() => {});
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop());
  await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? "127.0.0.1" });
}

export type StoreAction = (body: Static<typeof ActionBody>) => Promise<Static<typeof Accepted>>;

/**
 * Serves POST /api/v1/actions with the app's route options, answering 201 with what store
 * returns, and /readyz for the bench to wait on; onClose runs after the server has closed.
 */
export async function serveActions(store: StoreAction, onClose?: () => Promise<void>): Promise<void> {
  const app = benchFastify();
  app.post<{ Body: Static<typeof ActionBody> }>(
    "/api/v1/actions",
    {
      bodyLimit: ACTION_BODY_LIMIT,
      schema: { body: ActionBody, headers: ActionHeaders, response: { 201: Accepted } },
    },
    async (request, reply) => reply.code(201).send(await store(request.body)),
  );
  app.get("/readyz", async () => ({ status: "ready" }));
  await serve(app, onClose);
}
