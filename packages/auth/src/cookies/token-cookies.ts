import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { globalPrefixOf } from '../http/drf-http-state.js';
import { normalise } from '../http/route-table.js';
import { appendSetCookie, readCookie, serializeCookie } from './cookie-header.js';
import { COOKIE_SETTINGS, type CookieAttributes, type CookieSpec, type ResolvedCookieSettings } from './cookie-settings.js';
import { CsrfProtection } from './csrf-protection.service.js';

/** Injection token of the path the token routes are mounted at (the module's `path` option). */
export const TOKEN_ROUTES_PATH = Symbol('TOKEN_ROUTES_PATH');

/** Django's CSRF_COOKIE_AGE: a year (52 weeks), in seconds. */
const CSRF_COOKIE_AGE = 31449600;

/**
 * Writes cookie mode's cookies on token responses: the access and refresh cookies, each living
 * as long as its token, and the CSRF cookie that a script reads to repeat in its header (set at
 * login, as Django's `ensure_csrf_cookie` and `rotate_token` would).
 */
@Injectable()
export class TokenCookies {
  private refreshPath?: string;

  constructor(
    @Inject(COOKIE_SETTINGS) private readonly cookies: ResolvedCookieSettings,
    @Inject(TOKEN_ROUTES_PATH) private readonly tokenPath: string,
    private readonly adapterHost: HttpAdapterHost,
    private readonly csrf: CsrfProtection,
  ) {}

  /** Sets the cookies for the tokens answered; a login (`rotateCsrf`) also gets a new CSRF token. */
  issue(request: object, response: unknown, tokens: { access?: unknown; refresh?: unknown }, rotateCsrf: boolean): void {
    const { access, refresh } = this.cookies;
    if (access !== null && typeof tokens.access === 'string') this.set(response, access, tokens.access, secondsLeft(tokens.access));
    if (refresh !== null && typeof tokens.refresh === 'string') this.set(response, refresh, tokens.refresh, secondsLeft(tokens.refresh));
    const current = readCookie(request as never, this.cookies.csrf.name);
    if (rotateCsrf || !this.csrf.isWellFormed(current)) this.set(response, this.cookies.csrf, this.csrf.newToken(), CSRF_COOKIE_AGE);
  }

  /** Deletes both token cookies (logout); the CSRF cookie stays, as Django's logout leaves it. */
  clear(response: unknown): void {
    for (const spec of [this.cookies.access, this.cookies.refresh]) {
      if (spec !== null) this.set(response, spec, '', 0);
    }
  }

  private set(response: unknown, spec: CookieSpec, value: string, maxAge: number): void {
    appendSetCookie(response, serializeCookie(spec.name, value, this.attributes(spec), maxAge));
  }

  private attributes(spec: CookieSpec): CookieAttributes {
    return { ...spec.attributes, path: spec.attributes.path ?? this.tokenRoutesPath() };
  }

  /** `/api/token` (under the app's global prefix, when it has one): the refresh cookie goes nowhere else. */
  private tokenRoutesPath(): string {
    this.refreshPath ??= normalise(`/${globalPrefixOf(this.adapterHost.httpAdapter)}/${this.tokenPath}`);
    return this.refreshPath;
  }
}

/** Seconds until a token we just minted expires (its `exp`), so its cookie lives exactly as long. */
function secondsLeft(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
  return typeof payload.exp === 'number' ? payload.exp - Math.floor(Date.now() / 1000) : 0;
}
