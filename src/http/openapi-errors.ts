import { MESSAGES } from '@nest-simplejwt/auth';
import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;
type Examples = Record<string, { summary: string; value: unknown }>;

const detail = (text: string, code?: string) => (code === undefined ? { detail: text } : { detail: text, code });
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', example: 30 } } };

function response(description: string, examples: Examples, schema = 'ErrorDetail', headers?: Json): Json {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` }, examples } },
  };
}

const TOKEN_INVALID = { summary: 'Bad signature or garbage', value: detail(MESSAGES.tokenInvalid, 'token_not_valid') };
const TOKEN_EXPIRED = { summary: 'Expired', value: detail(MESSAGES.tokenExpired, 'token_not_valid') };
const BLACKLISTED = { summary: 'Rotated already, or logged out', value: detail(MESSAGES.tokenBlacklisted, 'token_not_valid') };
const WRONG_TYPE = { summary: 'An access token where a refresh token belongs', value: detail(MESSAGES.tokenWrongType, 'token_not_valid') };
const PERMISSION = { summary: 'Authenticated, but not permitted', value: detail(MESSAGES.permissionDenied) };
const CSRF: Examples = {
  csrfMissing: { summary: 'Cookie mode: no X-CSRFToken header', value: detail(MESSAGES.csrfFailed(MESSAGES.csrfTokenMissing)) },
  csrfIncorrect: { summary: 'Cookie mode: a header that does not repeat the csrftoken cookie', value: detail(MESSAGES.csrfFailed(MESSAGES.csrfTokenIncorrect)) },
  csrfOrigin: { summary: 'Cookie mode: from an untrusted origin', value: detail(MESSAGES.csrfFailed(MESSAGES.csrfBadOrigin('https://evil.example'))) },
};

/** The 401s of each token endpoint, as SimpleJWT words them (by operationId). */
const TOKEN_401: Record<string, Examples> = {
  TokenController_obtainPair: { badCredentials: { summary: 'Wrong password, unknown or inactive user', value: detail(MESSAGES.noActiveAccount) } },
  TokenController_refresh: {
    blacklisted: BLACKLISTED,
    invalid: TOKEN_INVALID,
    expired: TOKEN_EXPIRED,
    wrongType: WRONG_TYPE,
    noActiveAccount: { summary: 'The user was deleted or deactivated', value: detail(MESSAGES.noActiveAccountForToken, 'no_active_account') },
  },
  TokenController_verify: { invalid: TOKEN_INVALID, expired: TOKEN_EXPIRED },
  TokenController_blacklist: { blacklisted: BLACKLISTED, invalid: TOKEN_INVALID, wrongType: WRONG_TYPE },
};

/** Shared error responses, each with the exact bodies of docs/wire-contract.md as examples. */
function components(cookieMode: boolean): Json {
  return {
    BadRequest: response('Field errors (one key per bad field), a body that is not a dictionary, or malformed JSON', {
      required: { summary: 'A missing field', value: { username: [MESSAGES.required], password: [MESSAGES.required] } },
      blank: { summary: 'A blank field', value: { username: [MESSAGES.mayNotBeBlank] } },
      notADictionary: { summary: 'A JSON array as the body', value: { non_field_errors: [MESSAGES.expectedDictionary('list')] } },
      parseError: { summary: 'Malformed JSON', value: detail(MESSAGES.parseError('Unexpected end of JSON input')) },
    }, 'BadRequestBody'),
    NotAuthenticated: response('No credentials, a bad Authorization header, or a token that is not valid (on any route)', {
      notProvided: { summary: 'No credentials (on a route that needs them)', value: detail(MESSAGES.notAuthenticated) },
      badHeader: { summary: 'Bearer without a token', value: detail(MESSAGES.badAuthorizationHeader, 'bad_authorization_header') },
      invalidToken: {
        summary: 'A token that is not a valid access token',
        value: { ...detail(MESSAGES.noValidTokenType, 'token_not_valid'), messages: [{ token_class: 'AccessToken', token_type: 'access', message: MESSAGES.tokenInvalid }] },
      },
      userInactive: { summary: 'The user was deactivated', value: detail(MESSAGES.userInactive, 'user_inactive') },
    }, 'ErrorDetail', { 'WWW-Authenticate': { description: 'Always `Bearer realm="api"`', schema: { type: 'string', example: 'Bearer realm="api"' } } }),
    PermissionDenied: response('Authenticated, but the route\'s permission classes refuse', { permissionDenied: PERMISSION }),
    ...(cookieMode
      ? {
          CsrfFailed: response('Cookie mode: an unsafe request carrying the token cookies without a valid CSRF token', CSRF),
          PermissionOrCsrf: response('Not permitted, or (cookie mode) no valid CSRF token', { permissionDenied: PERMISSION, ...CSRF }),
        }
      : {}),
    NotFound: response('No such object (or path)', { notFound: { summary: 'Unknown id', value: detail(MESSAGES.notFound) } }),
    MethodNotAllowed: response('Another method on this path (authentication answers first)', {
      methodNotAllowed: { summary: 'GET on a POST route', value: detail(MESSAGES.methodNotAllowed('GET')) },
    }, 'ErrorDetail', { Allow: { description: "The path's methods", schema: { type: 'string', example: 'POST, OPTIONS' } } }),
    PayloadTooLarge: response('A body over BODY_LIMIT', { tooLarge: { summary: 'Over BODY_LIMIT', value: detail(MESSAGES.requestTooLarge) } }),
    UnsupportedMediaType: response('A body that is neither JSON nor a form', {
      unsupported: { summary: 'text/plain', value: detail(MESSAGES.unsupportedMediaType('text/plain')) },
    }),
    TooManyRequests: response('Over a THROTTLE_RATES rate', { throttled: { summary: 'Throttled', value: detail(MESSAGES.throttled(42)) } }, 'ErrorDetail', retryAfter),
    ServiceUnavailable: response('The database does not answer in time, or the server is shutting down', {
      unavailable: { summary: 'Try again later', value: detail('Service temporarily unavailable, try again later.', 'service_unavailable') },
    }, 'ErrorDetail', retryAfter),
  };
}

const SCHEMAS = {
  ErrorDetail: {
    type: 'object',
    required: ['detail'],
    properties: {
      detail: { type: 'string' },
      code: { type: 'string' },
      messages: {
        type: 'array',
        items: { type: 'object', properties: { token_class: { type: 'string' }, token_type: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  },
  FieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  BadRequestBody: { oneOf: [{ $ref: '#/components/schemas/FieldErrors' }, { $ref: '#/components/schemas/ErrorDetail' }] },
};

export interface OperationFacts {
  /** Anonymous requests are refused (the route's lock). */
  readonly locked: boolean;
}

/**
 * Every error response of the wire contract on the operations it can come from: 401 everywhere
 * (an invalid token is refused on public routes too), 403 where permissions or CSRF refuse, 400,
 * 413 and 415 with a body, 404 with a path parameter, 405, 429 and 503 everywhere.
 */
export function documentErrors(document: OpenAPIObject, facts: (method: string, path: string) => OperationFacts, cookieMode: boolean): void {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...SCHEMAS },
    responses: { ...document.components?.responses, ...components(cookieMode) },
  } as OpenAPIObject['components'];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const r = operation.responses as Json;
      const token = TOKEN_401[operation.operationId ?? ''];
      const unsafe = method !== 'get';
      const cookieRoute = cookieMode && (operation.operationId === 'TokenController_refresh' || operation.operationId === 'TokenController_blacklist');
      if (operation.requestBody) Object.assign(r, { 400: ref('BadRequest'), 413: ref('PayloadTooLarge'), 415: ref('UnsupportedMediaType') });
      r['401'] = token ? response('Bad credentials or an unusable token', token) : ref('NotAuthenticated');
      if (cookieRoute || (!token && cookieMode && unsafe)) r['403'] = ref(facts(method, path).locked ? 'PermissionOrCsrf' : 'CsrfFailed');
      else if (facts(method, path).locked) r['403'] = ref('PermissionDenied');
      if (path.includes('{')) r['404'] ??= ref('NotFound');
      Object.assign(r, { 405: ref('MethodNotAllowed'), 429: ref('TooManyRequests') });
      r['503'] ??= ref('ServiceUnavailable');
      operation.responses = Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))) as typeof operation.responses;
    }
  }
}
