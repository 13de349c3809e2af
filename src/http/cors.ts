import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** django-cors-headers' CORS_ALLOW_HEADERS default, plus the app's own CSRF and token headers. */
const ALLOW_HEADERS = ['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with'];
/** django-cors-headers' CORS_ALLOW_METHODS default. */
const ALLOW_METHODS = 'DELETE, GET, OPTIONS, PATCH, POST, PUT';
/** django-cors-headers' CORS_PREFLIGHT_MAX_AGE default: a day. */
const MAX_AGE = '86400';

export interface CorsOptions {
  /** CORS_ALLOWED_ORIGINS: exact origins whose scripts may read the API's answers. */
  readonly allowedOrigins: readonly string[];
  /** CORS_ALLOW_CREDENTIALS: they may send cookies (and read answers to such requests). */
  readonly allowCredentials: boolean;
  /** Request headers a script may send beside the defaults (CSRF_HEADER_NAME, the token header). */
  readonly extraHeaders: readonly string[];
  /** Response headers a script may read beside the CORS-safelisted ones (X-Request-Id). */
  readonly exposeHeaders?: readonly string[];
}

/**
 * django-cors-headers' CorsMiddleware as a Fastify hook, before routing and guards. A preflight is
 * a request with both Origin and Access-Control-Request-Method: it gets 200 with an empty body
 * (and, for an allowed origin, what it may do). Any other request goes on as usual, so a plain
 * OPTIONS keeps DRF's answer; an allowed origin's requests get Access-Control-Allow-Origin (and,
 * as django-cors-headers' CORS_EXPOSE_HEADERS does, Access-Control-Expose-Headers).
 * With no origins configured nothing is added at all.
 */
export function installCors(fastify: FastifyInstance, options: CorsOptions): void {
  if (options.allowedOrigins.length === 0) return;
  const allowed = new Set(options.allowedOrigins);
  const headers = [...new Set([...ALLOW_HEADERS, ...options.extraHeaders.map((h) => h.toLowerCase())])].join(', ');
  const exposed = (options.exposeHeaders ?? []).join(', ');
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.header('Vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    const trusted = allowed.has(origin);
    if (trusted) {
      void reply.header('Access-Control-Allow-Origin', origin);
      if (options.allowCredentials) void reply.header('Access-Control-Allow-Credentials', 'true');
      if (exposed !== '') void reply.header('Access-Control-Expose-Headers', exposed);
    }
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return done();
    if (trusted) {
      void reply.header('Access-Control-Allow-Headers', headers);
      void reply.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      void reply.header('Access-Control-Max-Age', MAX_AGE);
    }
    void reply.code(200).header('Content-Length', '0').send();
  });
}
