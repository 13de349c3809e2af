import { HttpException } from '@nestjs/common';
import { MESSAGES } from './messages.js';

/** A body in DRF's shape: `{"detail": ...}`, a field-error dict, or SimpleJWT's `{"detail", "code"}`. */
export type ErrorBody = Record<string, unknown>;

/**
 * Base of every error a client sees: an HTTP status, the exact body and any headers.
 * The exception filter writes it as it is.
 */
export class ApiException extends HttpException {
  constructor(
    status: number,
    readonly body: ErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body, status);
  }
}

/** A failed authentication (401). `code` is SimpleJWT's and goes into the body when given. */
export class AuthenticationFailed extends ApiException {
  constructor(detail: string = MESSAGES.authenticationFailed, code?: string) {
    super(401, code === undefined ? { detail } : { detail, code });
  }
}

/** The request carries no credentials and the route needs them (401). */
export class NotAuthenticated extends ApiException {
  constructor(detail: string = MESSAGES.notAuthenticated) {
    super(401, { detail });
  }
}

/** One token class's complaint about a bearer token, as SimpleJWT lists them. */
export interface TokenMessage {
  token_class: string;
  token_type: string;
  message: string;
}

/** SimpleJWT's InvalidToken (401, code `token_not_valid`). */
export class InvalidToken extends ApiException {
  constructor(detail: string = MESSAGES.tokenInvalid, messages?: TokenMessage[]) {
    super(
      401,
      messages === undefined
        ? { detail, code: 'token_not_valid' }
        : { detail, code: 'token_not_valid', messages },
    );
  }
}

/** Authenticated, but a permission class refused (403). */
export class PermissionDenied extends ApiException {
  constructor(detail: string = MESSAGES.permissionDenied, code?: string) {
    super(403, code === undefined ? { detail } : { detail, code });
  }
}

/** Field errors (400): `{"field": ["message"]}` or `{"non_field_errors": [...]}`. */
export class ValidationFailed extends ApiException {
  constructor(readonly errors: Record<string, string[]>) {
    super(400, errors);
  }
}

/** A body that could not be parsed (400). */
export class ParseError extends ApiException {
  constructor(detail: string) {
    super(400, { detail });
  }
}

export class NotFound extends ApiException {
  constructor(detail: string = MESSAGES.notFound) {
    super(404, { detail });
  }
}

/** 405 with DRF's Allow header: the route's methods plus HEAD beside GET, and OPTIONS. */
export class MethodNotAllowed extends ApiException {
  constructor(method: string, allow: readonly string[]) {
    super(405, { detail: MESSAGES.methodNotAllowed(method) }, { Allow: allow.join(', ') });
  }
}

export class UnsupportedMediaType extends ApiException {
  constructor(contentType: string) {
    super(415, { detail: MESSAGES.unsupportedMediaType(contentType) });
  }
}

/** 429 with Retry-After, as DRF's throttles answer. */
export class Throttled extends ApiException {
  constructor(readonly wait: number) {
    const seconds = Math.max(1, Math.ceil(wait));
    super(429, { detail: MESSAGES.throttled(seconds) }, { 'Retry-After': String(seconds) });
  }
}

/** A login of a locked (username, address) pair or address (429, code `login_locked`), with Retry-After. */
export class LoginLocked extends ApiException {
  constructor(readonly wait: number) {
    const seconds = Math.max(1, Math.ceil(wait));
    super(429, { detail: MESSAGES.loginLocked(seconds), code: 'login_locked' }, { 'Retry-After': String(seconds) });
  }
}

/**
 * DRF's ServiceUnavailable (503, code `service_unavailable`) with Retry-After: the database is
 * down, unreachable or too slow, or the server is shutting down. Nothing was changed; retry.
 */
export class ServiceUnavailable extends ApiException {
  constructor(retryAfterSeconds = 5, headers: Readonly<Record<string, string>> = {}) {
    super(
      503,
      { detail: MESSAGES.serviceUnavailable, code: 'service_unavailable' },
      { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))), ...headers },
    );
  }
}
