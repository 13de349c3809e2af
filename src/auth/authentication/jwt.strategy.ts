import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import type { Claims } from '../tokens/token-types.js';
import { BearerTokenValidator } from './bearer-token.validator.js';

/** Where the authenticator leaves the raw token for passport-jwt to pick up. */
export const RAW_TOKEN = Symbol('rawToken');

/**
 * The passport-jwt strategy: passport-jwt checks the signature, `exp` and `nbf` with the
 * verifying key (a KeyObject, made once); `validate` does the rest of SimpleJWT's checks and
 * finds the user. Override `validate` in a subclass to add checks of your own.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'simple-jwt') {
  constructor(
    @Inject(SIMPLE_JWT) settings: ResolvedSettings,
    private readonly validator: BearerTokenValidator,
  ) {
    super({
      jwtFromRequest: (request: { [RAW_TOKEN]?: string }) => request[RAW_TOKEN] ?? null,
      secretOrKey: settings.VERIFYING_KEY as unknown as string,
      algorithms: [settings.ALGORITHM],
      audience: settings.AUDIENCE || undefined,
      issuer: settings.ISSUER || undefined,
      jsonWebTokenOptions: { clockTolerance: settings.LEEWAY },
    });
  }

  /** Resolves to `[user, claims]`: passport hands the claims on as `info`. */
  async validate(claims: Claims): Promise<[object, Claims]> {
    return [await this.validator.userFor(claims), claims];
  }
}
