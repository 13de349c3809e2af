import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { COOKIE_SETTINGS, type ResolvedCookieSettings } from '@nest-simplejwt/auth';
import { documentErrors } from './openapi-errors.js';
import { routeKey, type RouteLocks } from './route-security.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** The token routes that read the refresh cookie in cookie mode, and what their body then holds. */
const COOKIE_BODIES = { TokenController_refresh: 'TokenRefreshRequest', TokenController_blacklist: 'TokenBlacklistRequest' } as const;

const DESCRIPTION =
  'JWT authentication wire-compatible with djangorestframework-simplejwt. Log in with ' +
  'POST /api/token/ below: the explorer then sends the access token it got on every call, also ' +
  'after a reload (or paste one under Authorize); logging out through POST /api/token/blacklist/ ' +
  'forgets it. Routes with a lock need it. Every error is in DRF\'s shape, e.g. ' +
  '`{"detail": "Authentication credentials were not provided."}`; each operation lists its own.';

const COOKIE_DESCRIPTION =
  '\n\nCookie mode is on: a login also sets the token cookies (HttpOnly) and the CSRF cookie; a ' +
  'request without an Authorization header is authenticated by the access cookie, and then every ' +
  'unsafe request must repeat the CSRF cookie in the CSRF header (the explorer does). Refresh and ' +
  'logout read the refresh cookie when the body has none.';

/**
 * The OpenAPI document of the app: every route, with the lock exactly on the routes an anonymous
 * request cannot use (as their permission classes answer, see route-security.ts), every error
 * of the wire contract where it can happen, and in cookie mode the cookie scheme beside bearer.
 */
export function openApiDocument(app: INestApplication, locks: RouteLocks): OpenAPIObject {
  const cookies = app.get<ResolvedCookieSettings>(COOKIE_SETTINGS);
  const builder = new DocumentBuilder()
    .setTitle('nest-simplejwt')
    .setDescription(DESCRIPTION + (cookies.enabled ? COOKIE_DESCRIPTION : ''))
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token from POST /api/token/' }, 'bearer');
  if (cookies.access !== null) {
    builder.addCookieAuth(cookies.access.name, { type: 'apiKey', in: 'cookie', description: 'The access cookie a login sets (cookie mode)' }, 'cookie');
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  const security: Record<string, string[]>[] = cookies.access !== null ? [{ bearer: [] }, { cookie: [] }] : [{ bearer: [] }];
  const locked = (method: string, path: string) => locks.get(routeKey(method.toUpperCase(), path.replace(/\{([^}]+)\}/g, ':$1'))) === true;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (locked(method, path)) operation.security = security;
      else delete operation.security;
    }
  }
  if (cookies.refresh !== null) documentRefreshCookie(document, cookies);
  documentErrors(document, (method, path) => ({ locked: locked(method, path) }), cookies.enabled);
  return document;
}

/** Cookie mode: refresh and logout take their token from the cookie, so the body field is optional. */
function documentRefreshCookie(document: OpenAPIObject, cookies: ResolvedCookieSettings): void {
  for (const item of Object.values(document.paths)) {
    const operation = item.post;
    const schema = operation && COOKIE_BODIES[operation.operationId as keyof typeof COOKIE_BODIES];
    if (!operation || !schema) continue;
    if (operation.requestBody && 'required' in operation.requestBody) operation.requestBody.required = false;
    operation.description =
      `Without \`refresh\` in the body, the \`${cookies.refresh!.name}\` cookie is read (with the CSRF token in the ` +
      `\`${cookies.csrfHeader}\` header).`;
  }
  for (const name of Object.values(COOKIE_BODIES)) {
    const schema = document.components?.schemas?.[name] as { required?: string[] } | undefined;
    if (schema) delete schema.required;
  }
}

/**
 * Serves the explorer at `/<path>` and the document at `/<path>-json`, built on first request
 * from `locks()` (known once the app is initialised). A login or refresh made in the explorer
 * authorizes it with the access token it answered, and keeps that across reloads; a logout
 * forgets it. In cookie mode the explorer repeats the CSRF cookie in the CSRF header.
 */
export function setupOpenApi(app: INestApplication, path: string, locks: () => RouteLocks): void {
  const cookies = app.get<ResolvedCookieSettings>(COOKIE_SETTINGS);
  SwaggerModule.setup(path, app, () => openApiDocument(app, locks()), {
    swaggerOptions: {
      persistAuthorization: true,
      // The document is inline: no online validator badge (the CSP would block its image anyway).
      validatorUrl: null,
      ...(cookies.enabled ? { requestInterceptor: csrfRequestInterceptor(cookies.csrf.name, cookies.csrfHeader) } : {}),
      // Serialized into the page by @nestjs/swagger: it must not close over anything.
      responseInterceptor: (response: { ok: boolean; url: string; obj?: { access?: unknown; token?: unknown } }) => {
        type Auth = { preauthorizeApiKey(name: string, value: string): void; authActions: { persistAuthorizationIfNeeded(): void; logoutWithPersistOption(names: string[]): void } };
        const ui = (globalThis as { ui?: Auth }).ui;
        const token = response.ok ? (response.obj?.access ?? response.obj?.token) : undefined;
        if (!ui) return response;
        if (typeof token === 'string') {
          ui.preauthorizeApiKey('bearer', token);
          // preauthorizeApiKey() authorizes without persisting (only the Authorize dialog does):
          // without this the token is lost on reload, whatever persistAuthorization says.
          ui.authActions.persistAuthorizationIfNeeded();
        } else if (response.ok && /\/blacklist\/?$/.test(new URL(response.url, (globalThis as unknown as { location: { href: string } }).location.href).pathname)) {
          ui.authActions.logoutWithPersistOption(['bearer']);
        }
        return response;
      },
    },
  });
}

/**
 * Swagger UI's requestInterceptor for cookie mode: unsafe calls carry the CSRF cookie's value
 * in the CSRF header, as a browser app does. Built as source, since the page runs it, not us.
 */
function csrfRequestInterceptor(cookieName: string, header: string): (request: unknown) => unknown {
  const pattern = `(?:^|;\\s*)${cookieName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^;]*)`;
  return new Function(
    'request',
    `var m = document.cookie.match(new RegExp(${JSON.stringify(pattern)}));\n` +
      `if (m && !/^(GET|HEAD|OPTIONS)$/i.test(request.method || 'GET')) request.headers[${JSON.stringify(header)}] = decodeURIComponent(m[1]);\n` +
      'return request;',
  ) as (request: unknown) => unknown;
}
