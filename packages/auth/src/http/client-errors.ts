import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { MESSAGES } from '../errors/messages.js';

/**
 * Answers what Node's HTTP parser rejects before the framework sees a request (headers too
 * large, malformed request lines) with DRF-shaped bodies: 4xx, never a 5xx and never a hang.
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

/** Puts clientErrorHandler in place of whatever the framework installed on the server. */
export function installClientErrorHandler(server: Server): void {
  server.removeAllListeners('clientError');
  server.on('clientError', clientErrorHandler);
}
