import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { readCookie } from './cookie-header.js';
import { COOKIE_SETTINGS, type ResolvedCookieSettings } from './cookie-settings.js';
import { CsrfProtection, type CsrfRequest } from './csrf-protection.service.js';

/**
 * Where cookie mode finds tokens (dj-rest-auth's JWTCookieAuthentication): the access cookie when
 * a request has no Authorization header (the header always wins, whatever its scheme), the
 * refresh cookie for refresh and logout. A token taken from a cookie makes the request
 * CSRF-checked first: the browser sends cookies on its own, so they prove nothing alone.
 */
@Injectable()
export class CookieTokenSource {
  constructor(
    @Inject(COOKIE_SETTINGS) private readonly cookies: ResolvedCookieSettings,
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    private readonly csrf: CsrfProtection,
  ) {}

  /** The access token in the access cookie, CSRF-checked; null without one, or with an Authorization header. */
  accessToken(request: CsrfRequest): string | null {
    if (this.cookies.access === null || request.headers[this.settings.AUTH_HEADER_NAME] !== undefined) return null;
    return this.checked(request, readCookie(request, this.cookies.access.name));
  }

  /** The refresh token in the refresh cookie, CSRF-checked; null without one. */
  refreshToken(request: CsrfRequest): string | null {
    if (this.cookies.refresh === null) return null;
    return this.checked(request, readCookie(request, this.cookies.refresh.name));
  }

  private checked(request: CsrfRequest, token: string | null): string | null {
    if (token === null || token === '') return null;
    this.csrf.check(request);
    return token;
  }
}
