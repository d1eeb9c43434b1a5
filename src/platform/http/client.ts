import type { Socket } from "node:net";
import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import { Problem } from "./problems.js";

// The client side of a request: its address, and what is answered to HTTP that cannot be
// parsed at all.

/**
 * The address a request's limits are kept for. Read from the socket, it is gone once the
 * connection was destroyed — a body with broken chunked framing makes Node drop the socket while
 * the request's hooks still run (`request.ip` is then undefined). Nobody is left to answer: the
 * request ends here, as a client error, instead of failing inside the rate limiter.
 */
export function clientAddress(request: FastifyRequest): string {
  let ip: string | undefined;
  try {
    ip = request.ip;
  } catch {
    ip = undefined;
  }
  if (!ip) throw new Problem(400, "connection_closed", "The connection closed before the request was read.");
  return ip;
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "The request was not received in time."],
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "The request's headers are too large."],
};

/**
 * Node's `clientError`: the bytes are not HTTP (a bad request line or header, broken chunked
 * framing, a body longer than announced). Answered with a problem like every other 4xx, and
 * logged at debug: it is the client's mistake (or a scanner), not something to act on.
 */
export function answerClientError(
  this: { log?: FastifyBaseLogger },
  error: Error & { code?: string },
  socket: Socket,
) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, detail] = CLIENT_ERRORS[error.code ?? ""] ?? [
    400,
    "malformed_request",
    "The request is not valid HTTP/1.1.",
  ];
  this.log?.debug({ code: error.code, message: error.message }, "malformed HTTP request");
  if (socket.writable) {
    const title =
      status === 400 ? "Bad Request" : status === 408 ? "Request Timeout" : "Request Header Fields Too Large";
    const body = JSON.stringify({ type: `/problems/${code}`, title, status, code, detail });
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
