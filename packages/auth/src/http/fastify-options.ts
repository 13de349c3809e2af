import { MESSAGES } from '../errors/messages.js';

/** The part of Fastify's reply the framework error handler uses (typed loosely: no fastify types in the API). */
interface ReplyLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  code(status: number): { send(payload?: any): unknown };
}

/**
 * What Fastify's router rejects before any hook runs. A URL with broken percent-encoding matches
 * no route, as Django would find none: 404. Anything else is a malformed request: 400.
 */
export function frameworkErrorHandler(error: { code?: string }, _request: unknown, reply: ReplyLike): void {
  const [status, detail] = error.code === 'FST_ERR_BAD_URL' ? [404, MESSAGES.notFound] : [400, MESSAGES.malformedRequest];
  void reply.code(status).send({ detail });
}

/**
 * The FastifyAdapter options that DRF's behaviour wants from the start (Fastify fixes them when
 * the adapter is made): `new FastifyAdapter(drfFastifyOptions())`. Paths answer with and without
 * the trailing slash; a URL with broken percent-encoding is DRF's 404, not Fastify's own 400; a
 * request arriving while the server closes is a 503. Without them setupDrfHttp() still serves
 * both spellings of every path.
 */
export function drfFastifyOptions(bodyLimit = 1024 * 1024) {
  return {
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit,
    frameworkErrors: frameworkErrorHandler,
    return503OnClosing: true,
  };
}
