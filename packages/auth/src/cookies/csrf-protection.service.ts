import { randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { PermissionDenied } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { readCookie, type RequestWithCookies } from './cookie-header.js';
import { COOKIE_SETTINGS, isTrustedOrigin, type ResolvedCookieSettings } from './cookie-settings.js';

/** Django's CSRF_ALLOWED_CHARS: what a token is made of. */
const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_LENGTH = 32;
/** RFC 9110's safe methods (and Django's): they change nothing, so need no token. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The parts of a request the check reads (Fastify's and Express's requests both fit). */
export interface CsrfRequest extends RequestWithCookies {
  method: string;
  /** Fastify's raw Node request, or (Express) none: its socket tells whether TLS was used. */
  raw?: object;
  socket?: object;
}

type TlsAware = { socket?: { encrypted?: boolean } };

/**
 * Django's CsrfViewMiddleware, as DRF's SessionAuthentication applies it to requests that cookies
 * authenticate: the Origin must be the API's own or a trusted one (and a browser's
 * `Sec-Fetch-Site: cross-site` needs a trusted Origin), then the header must repeat the token in
 * the CSRF cookie (double submit). A failure is DRF's 403 `{"detail": "CSRF Failed: ..."}`.
 */
@Injectable()
export class CsrfProtection {
  constructor(
    @Inject(COOKIE_SETTINGS) private readonly cookies: ResolvedCookieSettings,
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
  ) {}

  /** Throws DRF's 403 unless an unsafe request passes; safe methods always pass. */
  check(request: CsrfRequest): void {
    if (SAFE.has(request.method.toUpperCase())) return;
    const origin = single(request.headers.origin);
    const trusted = origin !== undefined && (origin === this.ownOrigin(request) || isTrustedOrigin(origin, this.cookies.trustedOrigins));
    if (origin !== undefined && !trusted) throw refused(MESSAGES.csrfBadOrigin(origin));
    if (single(request.headers['sec-fetch-site']) === 'cross-site' && !trusted) throw refused(MESSAGES.csrfBadOrigin(origin ?? 'null'));
    const secret = readCookie(request, this.cookies.csrf.name);
    if (!secret) throw refused(MESSAGES.csrfCookieNotSet);
    const token = single(request.headers[this.cookies.csrfHeader]);
    if (!token) throw refused(MESSAGES.csrfTokenMissing);
    if (!tokenMatches(token, secret)) throw refused(MESSAGES.csrfTokenIncorrect);
  }

  /** A new secret for the CSRF cookie (Django's `_get_new_csrf_string`). */
  newToken(): string {
    let token = '';
    for (let i = 0; i < SECRET_LENGTH; i++) token += CHARS[randomInt(CHARS.length)];
    return token;
  }

  /** Whether `value` is a secret this check can compare with (a malformed cookie is replaced). */
  isWellFormed(value: string | null): boolean {
    return value !== null && value.length === SECRET_LENGTH && isTokenText(value);
  }

  /** `scheme://host` as the client addressed the API; behind NUM_PROXIES proxies, X-Forwarded-Proto's scheme. */
  private ownOrigin(request: CsrfRequest): string {
    const forwarded = this.settings.NUM_PROXIES > 0 ? request.headers['x-forwarded-proto'] : undefined;
    let scheme = ((request.raw as TlsAware | undefined)?.socket ?? (request.socket as TlsAware['socket']))?.encrypted ? 'https' : 'http';
    if (forwarded !== undefined) {
      const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',');
      scheme = hops[hops.length - Math.min(this.settings.NUM_PROXIES, hops.length)].trim().toLowerCase();
    }
    return `${scheme}://${single(request.headers.host) ?? ''}`;
  }
}

function refused(reason: string): PermissionDenied {
  return new PermissionDenied(MESSAGES.csrfFailed(reason));
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isTokenText(value: string): boolean {
  return /^[a-zA-Z0-9]+$/.test(value);
}

/**
 * Django's `_does_token_match`: the header holds the secret itself, or (as Django's templates
 * and `get_token()` give it) the secret masked with a random prefix of the same length.
 */
export function tokenMatches(token: string, secret: string): boolean {
  if (!isTokenText(token) || !isTokenText(secret) || secret.length !== SECRET_LENGTH) return false;
  let plain: string;
  if (token.length === SECRET_LENGTH) plain = token;
  else if (token.length === 2 * SECRET_LENGTH) plain = unmask(token);
  else return false;
  return timingSafeEqual(Buffer.from(plain), Buffer.from(secret));
}

function unmask(token: string): string {
  const mask = token.slice(0, SECRET_LENGTH);
  const cipher = token.slice(SECRET_LENGTH);
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    const index = (CHARS.indexOf(cipher[i]) - CHARS.indexOf(mask[i]) + CHARS.length) % CHARS.length;
    secret += CHARS[index];
  }
  return secret;
}
