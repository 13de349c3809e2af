import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { parseBody } from './body-parser.js';

/** The Content-Type as the client sent it, when Fastify could not have parsed it. */
const SENT_CONTENT_TYPE = Symbol('sentContentType');
/** Valid syntax, served by no parser: it reaches ours, which answers 415 for it. */
const UNPARSEABLE = 'application/x-unparseable-media-type';
/** Marks the trailing-slash twin of a route, so registering it does not make another twin. */
const TWIN = Symbol('trailingSlashTwin');

/** DRF's body parsing and trailing slashes on Fastify; before the app is initialised. */
export async function installFastifyHttp(app: NestFastifyApplication, bodyLimit: number | undefined): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const { default: ContentType } = await import('fastify/lib/content-type.js');
  fastify.decorateRequest('user', null);
  fastify.decorateRequest('auth', null);
  // Fastify answers a Content-Type it cannot parse (`garbage`, an empty header) with its own 415
  // before any guard runs; DRF answers it in its own words, after authentication.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const sent = request.headers['content-type'];
    if (sent !== undefined && !ContentType.from(sent).isValid) {
      (request.raw as { [SENT_CONTENT_TYPE]?: string })[SENT_CONTENT_TYPE] = sent;
      request.headers['content-type'] = UNPARSEABLE;
    }
    done();
  });
  fastify.removeAllContentTypeParsers();
  const limit = bodyLimit ?? fastify.initialConfig.bodyLimit;
  // Through the adapter, so Nest's own JSON and form parsers stand aside for this one.
  (app.getHttpAdapter() as FastifyAdapter).useBodyParser('*', false, { bodyLimit: limit }, (request: FastifyRequest, body: Buffer, done: (error: null, body: unknown) => void) => {
    const sent = (request.raw as { [SENT_CONTENT_TYPE]?: string })[SENT_CONTENT_TYPE] ?? request.headers['content-type'] ?? '';
    done(null, parseBody(sent, body));
  });
  const config = fastify.initialConfig as { ignoreTrailingSlash?: boolean; routerOptions?: { ignoreTrailingSlash?: boolean } };
  if (!(config.routerOptions?.ignoreTrailingSlash ?? config.ignoreTrailingSlash)) {
    fastify.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions & { [TWIN]?: boolean }) {
      if (route[TWIN] || route.method === 'HEAD' || route.url === '/' || route.url === '' || route.url.endsWith('*')) return;
      const twin = route.url.endsWith('/') ? route.url.slice(0, -1) : `${route.url}/`;
      this.route({ ...route, url: twin, [TWIN]: true } as RouteOptions);
    });
  }
}
