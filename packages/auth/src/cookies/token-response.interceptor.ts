import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, map, type Observable } from 'rxjs';
import { ApiException } from '../errors/exceptions.js';
import { TokenController } from '../tokens/token.controller.js';
import { setHeader } from './cookie-header.js';
import { COOKIE_SETTINGS, type ResolvedCookieSettings } from './cookie-settings.js';
import { CookieTokenSource } from './cookie-token-source.js';
import type { CsrfRequest } from './csrf-protection.service.js';
import { TokenCookies } from './token-cookies.js';

type Role = 'obtain' | 'refresh' | 'logout' | 'other';
type TokenBody = { access?: unknown; refresh?: unknown };

/**
 * Around every token route. Each response is `Cache-Control: no-store` (RFC 6749 §5.1: it may
 * carry tokens). In cookie mode, obtain and refresh also set the token cookies (the refresh
 * token then leaves the body, with JWT_AUTH_HTTPONLY); refresh and logout read the refresh
 * cookie when the body has no `refresh`; logout deletes the cookies.
 */
@Injectable()
export class TokenResponseInterceptor implements NestInterceptor {
  constructor(
    @Inject(COOKIE_SETTINGS) private readonly cookies: ResolvedCookieSettings,
    private readonly source: CookieTokenSource,
    private readonly writer: TokenCookies,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<CsrfRequest & { body?: unknown }>();
    const response = http.getResponse<unknown>();
    setHeader(response, 'Cache-Control', 'no-store');
    setHeader(response, 'Pragma', 'no-cache');
    const role = this.cookies.enabled ? roleOf(context.getHandler()) : 'other';
    if (role === 'other') return next.handle();
    const fromCookie = role !== 'obtain' && this.refreshFromCookie(request);
    return next.handle().pipe(
      map((body: TokenBody) => {
        if (role === 'logout') this.writer.clear(response);
        else this.writer.issue(request, response, body, role === 'obtain');
        return this.withoutRefresh(body);
      }),
      catchError((error: unknown) => {
        // A logout with a dead cookie still logs the browser out; a 503 leaves it to try again.
        if (role === 'logout' && fromCookie && error instanceof ApiException && error.getStatus() === 401) this.writer.clear(response);
        throw error;
      }),
    );
  }

  /** Puts the refresh cookie where the handler reads its token, when the body has none; true when it did. */
  private refreshFromCookie(request: CsrfRequest & { body?: unknown }): boolean {
    const token = this.source.refreshToken(request);
    const body = request.body ?? {};
    // Only a parsed dictionary: a list, or a body that failed to parse, keeps its own 400 or 415.
    if (token === null || !isDictionary(body) || Object.hasOwn(body, 'refresh')) return false;
    request.body = { ...body, refresh: token };
    return true;
  }

  private withoutRefresh(body: TokenBody): TokenBody {
    if (!this.cookies.refreshOnlyInCookie || body === null || typeof body !== 'object' || !('refresh' in body)) return body;
    const { refresh: _refresh, ...rest } = body;
    return rest;
  }
}

function isDictionary(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function roleOf(handler: Function): Role {
  const routes = TokenController.prototype;
  if (handler === routes.obtainPair) return 'obtain';
  if (handler === routes.refresh) return 'refresh';
  if (handler === routes.blacklist) return 'logout';
  return 'other';
}
