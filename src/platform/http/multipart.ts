import multipart, { type FastifyMultipartBaseOptions } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Problem } from "./problems.js";

// @fastify/multipart with attachFieldsToBody reads the whole body in a preValidation hook. A
// body that breaks off or has a malformed boundary or part header makes its parser (busboy)
// throw a plain Error — no code, no status — which would be answered like a bug: 500, logged
// with a stack. The hooks around the plugin's own mark the time the body is being read, so the
// error handler can tell such an error for what it is: the client's, a 400.

const READING = Symbol("readingMultipart");
type Marked = FastifyRequest & { [READING]?: boolean };

/** Registers the multipart plugin between two hooks that mark when it reads the body. */
export async function registerMultipart(
  app: FastifyInstance,
  options: FastifyMultipartBaseOptions & { attachFieldsToBody: "keyValues" },
): Promise<void> {
  // Hooks of one context run in the order they were added: this one, the plugin's, the last.
  app.addHook("preValidation", async (request: Marked) => {
    request[READING] = request.isMultipart();
  });
  await app.register(multipart, options);
  app.addHook("preValidation", async (request: Marked) => {
    request[READING] = false;
  });
}

/** The problem for an error thrown while a multipart body was being read; undefined otherwise. */
export function malformedUpload(
  request: FastifyRequest,
  error: { statusCode?: number },
): Problem | undefined {
  if (!(request as Marked)[READING] || error.statusCode !== undefined) return undefined;
  return new Problem(
    400,
    "malformed_multipart",
    "The upload is not a complete multipart/form-data body; please send the form again.",
  );
}
