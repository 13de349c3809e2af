import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { routeKey, type RouteLocks } from './route-security.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The OpenAPI document of the app: every route, with the bearer lock exactly on the routes an
 * anonymous request cannot use (as their permission classes answer, see route-security.ts).
 */
export function openApiDocument(app: INestApplication, locks: RouteLocks): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('nest-simplejwt')
    .setDescription(
      'JWT authentication wire-compatible with djangorestframework-simplejwt. Log in with ' +
        'POST /api/token/ below: the explorer then sends the access token it got on every call ' +
        '(or paste one under Authorize). Routes with a lock need it.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const [path, item] of Object.entries(document.paths)) {
    const nestPath = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (locks.get(routeKey(method.toUpperCase(), nestPath))) {
        operation.security = [{ bearer: [] }];
        operation.responses['401'] ??= { description: 'No token, or a token that is not valid' };
      } else {
        delete operation.security;
      }
    }
  }
  return document;
}

/**
 * Serves the explorer at `/<path>` and the document at `/<path>-json`, built on first request
 * from `locks()` (known once the app is initialised). A successful login or refresh made in the
 * explorer authorizes it with the access token it answered.
 */
export function setupOpenApi(app: INestApplication, path: string, locks: () => RouteLocks): void {
  SwaggerModule.setup(path, app, () => openApiDocument(app, locks()), {
    swaggerOptions: {
      persistAuthorization: true,
      // Serialized into the page by @nestjs/swagger: it must not close over anything.
      responseInterceptor: (response: { ok: boolean; obj?: { access?: unknown; token?: unknown } }) => {
        const token = response.ok ? (response.obj?.access ?? response.obj?.token) : undefined;
        const ui = (globalThis as { ui?: { preauthorizeApiKey(name: string, value: string): void } }).ui;
        if (typeof token === 'string' && ui) ui.preauthorizeApiKey('bearer', token);
        return response;
      },
    },
  });
}
