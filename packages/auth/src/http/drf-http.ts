import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { installClientErrorHandler } from './client-errors.js';
import { rememberApplication } from './drf-http-state.js';
import { installExpressHttp } from './express-http.js';
import { installFastifyHttp } from './fastify-http.js';

export interface DrfHttpOptions {
  /** The largest request body accepted; a larger one is a 413. @default 1 MiB (on Fastify, the adapter's bodyLimit) */
  bodyLimit?: number;
}

/**
 * DRF's HTTP behaviour for the whole app, on Fastify or Express: bodies parsed as DRF's parsers
 * do (JSON in any case and charset, urlencoded forms, an empty body as `{}`), 415 and JSON parse
 * errors answered when the handler reads the body (after authentication, as DRF), paths with and
 * without the trailing slash, and Node's own parse errors (431, 400) as DRF-shaped bodies.
 * With the AuthModule's exception filter (on by default) the app also answers 405 with Allow,
 * OPTIONS, and 404 as DRF does. Call it once, after `NestFactory.create()` and before
 * `app.init()` or `app.listen()`:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * await setupDrfHttp(app);
 * await app.listen(3000);
 * ```
 */
export async function setupDrfHttp(app: INestApplication, options: DrfHttpOptions = {}): Promise<void> {
  if ((app as { isInitialized?: boolean }).isInitialized) {
    throw new Error('setupDrfHttp(app) must be called before app.init() or app.listen()');
  }
  rememberApplication(app);
  installClientErrorHandler(app.getHttpServer());
  const type = app.getHttpAdapter().getType();
  if (type === 'fastify') {
    await installFastifyHttp(app as NestFastifyApplication, options.bodyLimit);
  } else if (type === 'express') {
    const express = app.getHttpAdapter().getInstance() as {
      set(name: string, value: unknown): void;
      disable(name: string): void;
      router?: { caseSensitive?: boolean };
    };
    // Django's URLs are case-sensitive; Express's are not unless told (and its router may exist already).
    express.set('case sensitive routing', true);
    if (express.router) express.router.caseSensitive = true;
    express.disable('x-powered-by');
    installExpressHttp(app, options.bodyLimit);
  } else {
    throw new Error(`setupDrfHttp: the ${type} HTTP adapter is not supported (Fastify and Express are)`);
  }
}
