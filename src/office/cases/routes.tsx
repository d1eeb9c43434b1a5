import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../runtime.js";

export function caseRoutes(_app: FastifyInstance, _runtime: Runtime): void {}
