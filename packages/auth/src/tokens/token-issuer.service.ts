import { Inject, Injectable, Logger } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions, LoginAttempt } from '../auth.options.js';
import type { ClientInfo } from '../authentication/client-info.js';
import { USER_STORE, type UserStore } from '../authentication/user-store.js';
import { UserResolver } from '../authentication/user-resolver.service.js';
import { BlacklistRepository, type TokenRecord } from '../blacklist/blacklist.repository.js';
import { AuthenticationFailed, InvalidToken, ValidationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { TokenError } from './token-error.js';
import { TokenService } from './token.service.js';
import type { Claims, MintedToken, TokenType } from './token-types.js';

/**
 * What the token endpoints do, as SimpleJWT's serializers do it: obtain a pair, refresh
 * (rotating and blacklisting atomically), verify, blacklist, and the sliding-token pair.
 */
@Injectable()
export class TokenIssuer {
  private readonly logger = new Logger('TokenIssuer');

  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    @Inject(USER_STORE) private readonly users: UserStore,
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly tokens: TokenService,
    private readonly blacklist: BlacklistRepository,
    private readonly resolver: UserResolver,
  ) {}

  /** POST /api/token/: a refresh and an access token for valid credentials. */
  async obtainPair(username: string, password: string, client: ClientInfo): Promise<{ refresh: string; access: string }> {
    const user = await this.login(username, password, client);
    const refresh = this.tokens.mint('refresh', await this.claimsFor(user), this.settings.REFRESH_TOKEN_LIFETIME);
    await this.blacklist.outstand(this.record(refresh.payload, refresh));
    const access = this.tokens.accessFrom(refresh.payload);
    return { refresh: refresh.token, access: access.token };
  }

  /**
   * POST /api/token/refresh/: a new access token; with rotation also a new refresh token, the
   * old one blacklisted in the same statement, so concurrent refreshes of one token fork nothing.
   */
  async refresh(refreshToken: string): Promise<{ access: string; refresh?: string }> {
    const claims = this.verified(refreshToken, 'refresh');
    const old = this.record(claims);
    await this.requireActiveUser(claims, old.jti);
    const access = this.tokens.accessFrom(claims).token;
    if (!this.settings.ROTATE_REFRESH_TOKENS) {
      if (await this.blacklist.isBlacklisted(old.jti)) throw blacklisted();
      return { access };
    }
    const next = this.tokens.rotated(claims);
    if (this.settings.BLACKLIST_AFTER_ROTATION) {
      const outcome = await this.blacklist.rotate(old, this.record(next.payload, next), this.settings.REFRESH_TOKEN_REUSE_GRACE);
      if (outcome !== 'rotated') throw blacklisted();
    } else if (!(await this.blacklist.extend(old, this.record(next.payload, next)))) {
      throw blacklisted();
    }
    return { access, refresh: next.token };
  }

  /** POST /api/token/verify/: any valid, unblacklisted token. */
  async verify(token: string): Promise<Record<string, never>> {
    const claims = this.verified(token, null);
    if (await this.blacklist.isBlacklisted(this.tokens.jtiOf(claims))) {
      throw new ValidationFailed({ non_field_errors: [MESSAGES.tokenBlacklisted] });
    }
    return {};
  }

  /** POST /api/token/blacklist/: logout; the token and the rest of its session stop working. */
  async blacklistToken(refreshToken: string): Promise<Record<string, never>> {
    const claims = this.verified(refreshToken, 'refresh');
    if (!(await this.blacklist.blacklistSession(this.record(claims)))) throw blacklisted();
    return {};
  }

  /** POST /api/token/sliding/: one token that is both bearer and refresh token. */
  async obtainSliding(username: string, password: string, client: ClientInfo): Promise<{ token: string }> {
    const user = await this.login(username, password, client);
    const sliding = this.mintSliding(await this.claimsFor(user));
    await this.blacklist.outstand(this.record(sliding.payload, sliding));
    return { token: sliding.token };
  }

  /** POST /api/token/sliding/refresh/: the same token (same jti) with a new exp, until refresh_exp. */
  async refreshSliding(token: string): Promise<{ token: string }> {
    const claims = this.verified(token, 'sliding');
    const jti = this.tokens.jtiOf(claims);
    if (await this.blacklist.isBlacklisted(jti)) throw blacklisted();
    try {
      this.tokens.checkExp(claims, this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM);
    } catch (error) {
      throw error instanceof TokenError ? new InvalidToken(error.message) : error;
    }
    await this.requireActiveUser(claims, jti);
    const refreshExp = claims[this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM];
    const renewed = this.tokens.mint(
      'sliding',
      { ...this.tokens.copyableClaims(claims), [this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM]: refreshExp },
      this.settings.SLIDING_TOKEN_LIFETIME,
      jti,
    );
    return { token: renewed.token };
  }

  /** The claims a user's tokens carry: the user id claim, then any `tokenClaims` of the module. */
  async claimsFor(user: object): Promise<Claims> {
    const idClaim = this.settings.USER_ID_CLAIM;
    const claims: Claims = { [idClaim]: this.users.getIdField(user, this.settings.USER_ID_FIELD) };
    const extra = this.options.tokenClaims ? await this.options.tokenClaims(user) : {};
    for (const [name, value] of Object.entries(extra)) if (name !== idClaim) claims[name] = value;
    return claims;
  }

  private mintSliding(claims: Claims): MintedToken {
    const refreshExp = this.tokens.now() + this.settings.SLIDING_TOKEN_REFRESH_LIFETIME;
    return this.tokens.mint(
      'sliding',
      { ...claims, [this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM]: refreshExp },
      this.settings.SLIDING_TOKEN_LIFETIME,
    );
  }

  private async login(username: string, password: string, client: ClientInfo): Promise<object> {
    const user = await this.users.authenticate(username, password);
    const attempt: LoginAttempt = { username, ...client };
    if (user === null || !this.resolver.isAllowed(user)) {
      await this.hook('ON_LOGIN_FAILED', () => this.options.ON_LOGIN_FAILED?.(attempt));
      throw new AuthenticationFailed(MESSAGES.noActiveAccount);
    }
    if (this.settings.UPDATE_LAST_LOGIN) await this.users.recordLogin?.(user);
    await this.hook('ON_LOGIN_SUCCESS', () => this.options.ON_LOGIN_SUCCESS?.(user, attempt));
    return user;
  }

  /** Runs a login hook of the app; what it throws is the app's bug, logged, not the client's 500. */
  private async hook(name: string, run: () => void | Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.logger.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  /** A refresh for a deleted or inactive user is refused; a blacklisted token says so first. */
  private async requireActiveUser(claims: Claims, jti: string): Promise<void> {
    const user = await this.resolver.userOf(claims);
    if (user !== null && this.resolver.isAllowed(user)) return;
    if (await this.blacklist.isBlacklisted(jti)) throw blacklisted();
    throw new AuthenticationFailed(MESSAGES.noActiveAccountForToken, 'no_active_account');
  }

  private verified(token: string, type: TokenType | null): Claims {
    try {
      return this.tokens.verify(token, type);
    } catch (error) {
      throw error instanceof TokenError ? new InvalidToken(error.message) : error;
    }
  }

  private record(claims: Claims, minted?: MintedToken): TokenRecord {
    const userId = claims[this.settings.USER_ID_CLAIM];
    return {
      jti: minted?.jti ?? this.tokens.jtiOf(claims),
      userId: typeof userId === 'string' || typeof userId === 'number' ? String(userId) : null,
      iat: minted?.iat ?? (typeof claims.iat === 'number' ? claims.iat : this.tokens.now()),
      exp: minted?.exp ?? (claims.exp as number),
    };
  }
}

function blacklisted(): InvalidToken {
  return new InvalidToken(MESSAGES.tokenBlacklisted);
}
