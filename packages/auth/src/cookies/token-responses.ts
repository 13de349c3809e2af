import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiException } from '../errors/exceptions.js';
import { setHeader } from './cookie-header.js';
import { COOKIE_SETTINGS, type ResolvedCookieSettings } from './cookie-settings.js';
import { CookieTokenSource } from './cookie-token-source.js';
import type { CsrfRequest } from './csrf-protection.service.js';
import { TokenCookies } from './token-cookies.js';

type Role = 'obtain' | 'refresh' | 'logout';
type TokenBody = { access?: unknown; refresh?: unknown };

const TOKEN_ROLE = Symbol('tokenRole');

/** What a token route does with cookies in cookie mode: log in, refresh or log out. */
export const TokenRole = (role: Role): MethodDecorator => SetMetadata(TOKEN_ROLE, role);

/** What the guard half leaves on a request, in cookie mode, for the answer half. */
const COOKIE_ROUTE = Symbol('cookieRoute');
interface CookieRoute {
  readonly role: Role;
  readonly response: unknown;
  /** The refresh token came from the cookie (the body had none). */
  readonly fromCookie: boolean;
}
type TokenRequest = CsrfRequest & { body?: unknown; [COOKIE_ROUTE]?: CookieRoute };

/**
 * The token routes' answers. Each is `Cache-Control: no-store` (RFC 6749 §5.1: it may carry
 * tokens). In cookie mode, obtain and refresh also set the token cookies (the refresh token then
 * leaves the body, with JWT_AUTH_HTTPONLY); refresh and logout read the refresh cookie when the
 * body has no `refresh`; logout deletes the cookies.
 *
 * Two halves, without an interceptor (Nest's interceptors put every answer through rxjs: about
 * 20 µs a refresh, profiled): a guard on the token routes, which runs before the body is
 * validated, and `answer()`, which the route's handler puts its result through.
 */
@Injectable()
export class TokenResponses implements CanActivate {
  constructor(
    @Inject(COOKIE_SETTINGS) private readonly cookies: ResolvedCookieSettings,
    private readonly source: CookieTokenSource,
    private readonly writer: TokenCookies,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const response = http.getResponse<unknown>();
    setHeader(response, 'Cache-Control', 'no-store');
    setHeader(response, 'Pragma', 'no-cache');
    if (!this.cookies.enabled) return true;
    const role = Reflect.getMetadata(TOKEN_ROLE, context.getHandler()) as Role | undefined;
    if (role === undefined) return true;
    const request = http.getRequest<TokenRequest>();
    request[COOKIE_ROUTE] = { role, response, fromCookie: role !== 'obtain' && this.refreshFromCookie(request) };
    return true;
  }

  /** The route's answer, with cookie mode's cookies written (and the refresh token taken out of it). */
  answer<T extends object>(request: object, work: Promise<T>): Promise<T> {
    const route = (request as TokenRequest)[COOKIE_ROUTE];
    return route === undefined ? work : this.withCookies(request as TokenRequest, route, work);
  }

  private async withCookies<T extends object>(request: TokenRequest, route: CookieRoute, work: Promise<T>): Promise<T> {
    let body: T;
    try {
      body = await work;
    } catch (error) {
      // A logout with a dead cookie still logs the browser out; a 503 leaves it to try again.
      if (route.role === 'logout' && route.fromCookie && error instanceof ApiException && error.getStatus() === 401) this.writer.clear(route.response);
      throw error;
    }
    if (route.role === 'logout') this.writer.clear(route.response);
    else this.writer.issue(request, route.response, body as TokenBody, route.role === 'obtain');
    return this.withoutRefresh(body);
  }

  /** Puts the refresh cookie where the handler reads its token, when the body has none; true when it did. */
  private refreshFromCookie(request: TokenRequest): boolean {
    const token = this.source.refreshToken(request);
    const body = request.body ?? {};
    // Only a parsed dictionary: a list, or a body that failed to parse, keeps its own 400 or 415.
    if (token === null || !isDictionary(body) || Object.hasOwn(body, 'refresh')) return false;
    request.body = { ...body, refresh: token };
    return true;
  }

  private withoutRefresh<T extends object>(body: T): T {
    if (!this.cookies.refreshOnlyInCookie || body === null || typeof body !== 'object' || !('refresh' in body)) return body;
    const { refresh: _refresh, ...rest } = body as TokenBody;
    return rest as T;
  }
}

function isDictionary(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
