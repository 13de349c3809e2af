import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { ApiException } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { parseBody } from './body-parser.js';

type Next = (error?: unknown) => void;
type BodyRequest = IncomingMessage & { body?: unknown; _body?: boolean };

/**
 * DRF's body parsing on Express, in front of everything else: the body is read as bytes up to
 * the limit (a larger one is a 413 at once) and parsed as DRF's parsers would, errors kept for the
 * handler. `_body` tells Express's own parsers (Nest's, when enabled) that it is done.
 */
export function installExpressHttp(app: INestApplication, bodyLimit = 1024 * 1024): void {
  app.use((request: BodyRequest, _response: ServerResponse, next: Next) => {
    if (request._body || !hasBody(request)) return next();
    const declared = Number(request.headers['content-length']);
    if (declared > bodyLimit) return next(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > bodyLimit) {
        failed = true;
        request.pause();
        return next(tooLarge());
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (failed) return;
      request.body = parseBody(request.headers['content-type'] ?? '', Buffer.concat(chunks));
      request._body = true;
      next();
    });
    request.on('error', (error) => {
      if (!failed) next(error);
      failed = true;
    });
  });
}

/** Whether a body follows the headers (as Node's parser sees it: a length, or chunked). */
function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

function tooLarge(): ApiException {
  return new ApiException(413, { detail: MESSAGES.requestTooLarge });
}
