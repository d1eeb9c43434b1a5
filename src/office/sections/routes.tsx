import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../runtime.js";

export function sectionRoutes(_app: FastifyInstance, _runtime: Runtime): void {}
