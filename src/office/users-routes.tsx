import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime.js";

export function userRoutes(_app: FastifyInstance, _runtime: Runtime): void {}
