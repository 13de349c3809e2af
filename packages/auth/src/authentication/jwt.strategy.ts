import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Algorithm as JwtAlgorithm } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenError } from '../tokens/token-error.js';
import type { Claims } from '../tokens/token-types.js';
import { BearerTokenValidator } from './bearer-token.validator.js';

/** Where the authenticator leaves the raw token for passport-jwt to pick up. */
export const RAW_TOKEN = Symbol('rawToken');

/**
 * The passport-jwt strategy, with passport's contract (`validate`, then success, fail or error):
 * the signature, `exp`, `nbf`, `aud` and `iss` are checked with the verifying key (a KeyObject,
 * made once); `validate` does the rest of SimpleJWT's checks and finds the user. Override
 * `validate` in a subclass to add checks of your own.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'simple-jwt') {
  constructor(
    @Inject(SIMPLE_JWT) settings: ResolvedSettings,
    private readonly validator: BearerTokenValidator,
    private readonly tokens: TokenService,
  ) {
    // passport-jwt's own options say the same as TokenService's checks: its stock authenticate
    // would accept and refuse the same tokens (more slowly); they are required to construct it.
    super({
      jwtFromRequest: (request: { [RAW_TOKEN]?: string }) => request[RAW_TOKEN] ?? null,
      secretOrKey: settings.VERIFYING_KEY as unknown as string,
      algorithms: [settings.ALGORITHM as JwtAlgorithm],
      audience: settings.AUDIENCE || undefined,
      issuer: settings.ISSUER || undefined,
      jsonWebTokenOptions: { clockTolerance: settings.LEEWAY },
    });
  }

  /** Resolves to `[user, claims]`: passport hands the claims on as `info`. */
  async validate(claims: Claims): Promise<[object, Claims]> {
    return [await this.validator.userFor(claims), claims];
  }

  /**
   * passport-jwt's authenticate, verifying through TokenService instead of jsonwebtoken (the
   * same checks; the jsonwebtoken → jws → jwa path cost about 26 µs a request, measured in
   * BENCHMARKS.md). A TokenError goes to `fail`, anything `validate` throws to `error`.
   */
  override authenticate(request: object): void {
    let claims: Claims | Promise<Claims>;
    try {
      claims = this.tokens.verifyBearer((request as { [RAW_TOKEN]?: string })[RAW_TOKEN] ?? '');
    } catch (error) {
      return this.fail(error, 401);
    }
    // Only a token of JWK_URL's issuer waits for its key; this server's own verify at once.
    if (claims instanceof Promise) {
      claims.then(
        (verified) => this.validated(verified),
        (error: unknown) => (error instanceof TokenError ? this.fail(error, 401) : this.error(error as Error)),
      );
    } else {
      this.validated(claims);
    }
  }

  private validated(claims: Claims): void {
    this.validate(claims).then(
      ([user, verified]) => this.success(user, verified),
      (error: unknown) => this.error(error as Error),
    );
  }
}
