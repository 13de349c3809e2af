import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { CookieTokenSource } from '../cookies/cookie-token-source.js';
import { MESSAGES } from '../errors/messages.js';
import { TokenError } from '../tokens/token-error.js';
import type { Claims } from '../tokens/token-types.js';
import { rawTokenFrom, type RequestWithHeaders } from './authorization-header.js';
import { BearerTokenValidator } from './bearer-token.validator.js';
import { JwtStrategy, RAW_TOKEN } from './jwt.strategy.js';

/** Who made a request: the user and the claims of their token, or nobody. */
export interface Authenticated {
  readonly user: object;
  readonly claims: Claims;
}

/**
 * SimpleJWT's JWTAuthentication: reads the configured header (or, in cookie mode, the access
 * cookie), runs the passport-jwt strategy on the token, and answers the user, null for a request
 * without credentials, or throws a 401.
 */
@Injectable()
export class JwtAuthentication {
  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    private readonly strategy: JwtStrategy,
    private readonly validator: BearerTokenValidator,
    private readonly cookies: CookieTokenSource,
  ) {}

  async authenticate(request: RequestWithHeaders & { method: string }): Promise<Authenticated | null> {
    // Cookie mode: the access cookie when there is no Authorization header (CSRF-checked).
    const raw = rawTokenFrom(request, this.settings.AUTH_HEADER_NAME, this.settings.AUTH_HEADER_TYPES) ?? this.cookies.accessToken(request);
    if (raw === null) return null;
    return this.runStrategy(request, raw);
  }

  /**
   * Runs the strategy as passport.authenticate would, on a per-request object made from it
   * (passport's own way), without passport's middleware plumbing around it.
   */
  private runStrategy(request: RequestWithHeaders, raw: string): Promise<Authenticated> {
    (request as { [RAW_TOKEN]?: string })[RAW_TOKEN] = raw;
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as JwtStrategy & PassportActions;
      attempt.success = (user, claims) => resolve({ user, claims });
      attempt.fail = (info) => {
        reject(this.validator.invalidForEveryClass(info instanceof TokenError ? info.message : MESSAGES.tokenInvalid));
      };
      attempt.error = reject;
      attempt.authenticate(request as never);
    });
  }
}

interface PassportActions {
  success(user: object, claims: Claims): void;
  fail(info?: unknown): void;
  error(error: unknown): void;
}
