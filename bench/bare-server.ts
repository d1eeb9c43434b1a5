import { randomUUID } from "node:crypto";
import { serveActions } from "./support/ingest-server-base.js";

// The ceiling: the same route, validation and framework as the app, storing nothing. The app
// cannot be faster than this on the same machine; app/bare says what the ledger costs.

await serveActions(async () => ({ id: randomUUID(), recordedAt: new Date().toISOString() }));
