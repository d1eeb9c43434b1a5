import { randomUUID } from "node:crypto";
import type { Static } from "@sinclair/typebox";
import { ActionBody } from "../src/ledger/routes.js";
import {
  ACTION_BODY_LIMIT,
  Accepted,
  ActionHeaders,
  benchFastify,
  serve,
} from "./support/ingest-server-base.js";

// The ceiling: the same route, validation and framework as the app, storing nothing. The app
// cannot be faster than this on the same machine; app/bare says what the ledger costs.

const app = benchFastify();

app.post<{ Body: Static<typeof ActionBody> }>(
  "/api/v1/actions",
  {
    bodyLimit: ACTION_BODY_LIMIT,
    schema: { body: ActionBody, headers: ActionHeaders, response: { 201: Accepted } },
  },
  async (_request, reply) => reply.code(201).send({ id: randomUUID(), recordedAt: new Date().toISOString() }),
);
app.get("/readyz", async () => ({ status: "ready" }));

await serve(app);
