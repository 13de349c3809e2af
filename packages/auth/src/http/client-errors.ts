import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MESSAGES } from '../errors/messages.js';

/**
 * Answers what Node's HTTP parser rejects before Fastify sees a request (headers too large,
 * malformed request lines) with DRF-shaped bodies: 4xx, never a 5xx and never a hang.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, MESSAGES.headersTooLarge]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timeout.']
        : [400, MESSAGES.malformedRequest];
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * What Fastify's router rejects before any hook runs. A URL with broken percent-encoding matches
 * no route, as Django would find none: 404. Anything else is a malformed request: 400.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, detail] = error.code === 'FST_ERR_BAD_URL' ? [404, MESSAGES.notFound] : [400, MESSAGES.malformedRequest];
  void reply.code(status).send({ detail });
}
