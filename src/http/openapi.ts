import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document of the app: every route, with a lock on those that need a token. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('nest-simplejwt')
    .setDescription(
      'JWT authentication wire-compatible with djangorestframework-simplejwt. Log in with ' +
        'POST /api/token/ below: the explorer then sends the access token it got on every call ' +
        '(or paste one under Authorize).',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Serves the explorer at `/<path>` and the document at `/<path>-json`. A successful login or
 * refresh made in the explorer authorizes it with the access token it answered.
 */
export function setupOpenApi(app: INestApplication, path: string): void {
  SwaggerModule.setup(path, app, () => openApiDocument(app), {
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
