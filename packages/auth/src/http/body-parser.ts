import type { FastifyInstance, FastifyRequest } from 'fastify';
import ContentType from 'fastify/lib/content-type.js';
import { ParseError, UnsupportedMediaType } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { UnreadableBody } from '../validation/unreadable-body.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** The Content-Type as the client sent it, when Fastify could not have parsed it. */
const SENT_CONTENT_TYPE = Symbol('sentContentType');
/** Valid syntax, served by no parser: it reaches ours, which answers 415 for it. */
const UNPARSEABLE = 'application/x-unparseable-media-type';

/**
 * Replaces Fastify's body parsers with DRF's: JSON (any case, any charset parameter) and
 * urlencoded forms; an empty body is `{}` whatever its type. Anything unreadable becomes an
 * UnreadableBody, which fails the request only when the handler reads its body.
 */
export function installBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  // Fastify answers a Content-Type it cannot parse (`garbage`, an empty header) with its own 415
  // before any guard runs; DRF answers it with its own words, after authentication.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const sent = request.headers['content-type'];
    if (sent !== undefined && !ContentType.from(sent).isValid) {
      (request.raw as { [SENT_CONTENT_TYPE]?: string })[SENT_CONTENT_TYPE] = sent;
      request.headers['content-type'] = UNPARSEABLE;
    }
    done();
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    done(null, parseBody(request, body as Buffer));
  });
}

export function parseBody(request: FastifyRequest, body: Buffer): unknown {
  if (body.length === 0) return {};
  const contentType =
    (request.raw as { [SENT_CONTENT_TYPE]?: string })[SENT_CONTENT_TYPE] ?? request.headers['content-type'] ?? '';
  if (JSON_TYPE.test(contentType)) return parseJson(body, CHARSET.exec(contentType)?.[1] ?? 'utf-8');
  if (FORM_TYPE.test(contentType)) return parseForm(body.toString('utf8'));
  return new UnreadableBody(new UnsupportedMediaType(contentType));
}

function parseJson(body: Buffer, charset: string): unknown {
  let text: string;
  try {
    text = new TextDecoder(charset, { fatal: true }).decode(body);
  } catch (error) {
    const what = error instanceof RangeError ? `unknown encoding: ${charset}` : `'${charset}' codec can't decode the body`;
    return new UnreadableBody(new ParseError(MESSAGES.parseError(what)));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return new UnreadableBody(new ParseError(MESSAGES.parseError((error as Error).message)));
  }
}

/** A form as Django's QueryDict reads it: the last value of a repeated key wins. */
function parseForm(text: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key !== '__proto__') form[key] = value;
  }
  return form;
}
