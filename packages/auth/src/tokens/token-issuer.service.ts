import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions, LoginAttempt } from '../auth.options.js';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { eventOrigin, type ClientInfo } from '../authentication/client-info.js';
import { UserResolver } from '../authentication/user-resolver.service.js';
import { USER_STORE, type UserStore } from '../authentication/user-store.js';
import { BlacklistRepository, type TokenRecord } from '../blacklist/blacklist.repository.js';
import { AuthenticationFailed, InvalidToken, ValidationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { AuthEvents } from '../events/auth-events.js';
import { LoginLockout } from '../lockout/login-lockout.service.js';
import { SessionRepository } from '../sessions/session.repository.js';
import type { Generation, NewSession } from '../sessions/session.types.js';
import { SessionUsers } from '../sessions/session-users.service.js';
import { newSessionId, sessionIdOf } from '../sessions/session-id.js';
import { TokenError } from './token-error.js';
import { newJti, TokenService } from './token.service.js';
import { SESSION_ID_CLAIM, type Claims, type TokenType } from './token-types.js';

export interface TokenPair {
  refresh: string;
  access: string;
}

/**
 * What the token endpoints do, as SimpleJWT's serializers do it, with sessions: a login starts
 * one; a refresh rotates it (one statement decides rotation, retry and reuse); logout ends it.
 * Tokens without a session (SimpleJWT's own, or older) go through the token_blacklist tables.
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
    private readonly sessions: SessionRepository,
    private readonly sessionUsers: SessionUsers,
    private readonly resolver: UserResolver,
    private readonly events: AuthEvents,
    private readonly lockout: LoginLockout,
  ) {}

  /** POST /api/token/: a refresh and an access token for valid credentials, in a new session. */
  async obtainPair(username: string, password: string, client: ClientInfo): Promise<TokenPair> {
    const user = await this.login(username, password, client);
    const claims = await this.claimsFor(user);
    const session = this.newSession(claims, client, this.settings.REFRESH_TOKEN_LIFETIME);
    await this.sessions.start(session);
    this.events.record({ event: 'login_succeeded', userId: session.userId, sessionId: session.id, ...eventOrigin(client) });
    return this.pair({ ...claims, [SESSION_ID_CLAIM]: session.id }, session.generation);
  }

  /**
   * POST /api/token/refresh/: a new access token and, with rotation, the next refresh token. The
   * parent of the live token within the grace window gets that same pair again; any older token
   * revokes the session.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<{ access: string; refresh?: string }> {
    const claims = this.verified(refreshToken, 'refresh');
    const sid = sessionIdOf(claims);
    if (sid === null) return this.refreshWithoutSession(claims, client);
    const jti = this.tokens.jtiOf(claims);
    const now = this.tokens.now();
    const { user, outcome, sessionWasLive } = await this.sessionUsers.rotate(claims, {
      sid,
      userId: this.userIdText(claims) ?? '',
      jti,
      next: {
        refreshJti: newJti(),
        accessJti: newJti(),
        iat: now,
        refreshLifetime: this.settings.REFRESH_TOKEN_LIFETIME,
        accessLifetime: this.settings.ACCESS_TOKEN_LIFETIME,
      },
      strict: this.settings.BLACKLIST_AFTER_ROTATION,
      rotate: this.settings.ROTATE_REFRESH_TOKENS,
      graceSeconds: this.settings.REFRESH_TOKEN_REUSE_GRACE,
    });
    const userId = this.userIdText(claims);
    if (outcome.kind === 'reused') {
      this.events.record({ event: 'reuse_detected', userId, sessionId: sid, ...eventOrigin(client) });
      this.events.record({ event: 'session_revoked', userId, sessionId: sid, reason: 'reuse', ...eventOrigin(client) });
      throw blacklisted();
    }
    if (outcome.kind === 'ended') {
      if (user === null && sessionWasLive) throw noActiveAccount();
      throw blacklisted();
    }
    if (user === null || !this.resolver.isAllowed(user)) {
      if (await this.sessions.revoke(outcome.userId, sid, 'user_inactive')) {
        this.events.record({ event: 'session_revoked', userId, sessionId: sid, reason: 'user_inactive', ...eventOrigin(client) });
      }
      throw noActiveAccount();
    }
    const copied = this.tokens.copyableClaims(claims);
    if (outcome.kind === 'kept') {
      const access = this.tokens.mintExact('access', copied, { jti: newJti(), iat: now, exp: Math.min(now + this.settings.ACCESS_TOKEN_LIFETIME, outcome.endsAt) });
      return { access: access.token };
    }
    if (outcome.kind === 'rotated') this.events.record({ event: 'token_refreshed', userId, sessionId: sid, ...eventOrigin(client) });
    const pair = this.pair(copied, outcome.generation);
    return { access: pair.access, refresh: pair.refresh };
  }

  /** POST /api/token/verify/: any valid token this server issued whose session (or blacklist entry) allows it. */
  async verify(token: string): Promise<Record<string, never>> {
    const claims = this.verified(token, null);
    const sid = sessionIdOf(claims);
    let usable: boolean;
    if (sid === null) {
      usable = !(await this.blacklist.isBlacklisted(this.tokens.jtiOf(claims)));
    } else {
      const state = await this.sessions.state(sid, this.userIdText(claims) ?? '');
      const rotatedAway = claims[this.settings.TOKEN_TYPE_CLAIM] === 'refresh' && this.settings.BLACKLIST_AFTER_ROTATION && state.liveJti !== this.tokens.jtiOf(claims);
      usable = state.live && !rotatedAway;
    }
    if (!usable) throw new ValidationFailed({ non_field_errors: [MESSAGES.tokenBlacklisted] });
    return {};
  }

  /**
   * POST /api/token/blacklist/: logout. The live token, or its parent within the grace window
   * (another tab rotated a moment ago), ends the session; an older one is a replay and ends it too.
   */
  async blacklistToken(refreshToken: string, client: ClientInfo): Promise<Record<string, never>> {
    const claims = this.verified(refreshToken, 'refresh');
    const sid = sessionIdOf(claims);
    if (sid === null) {
      if (!(await this.blacklist.blacklist(this.record(claims)))) throw blacklisted();
      this.events.record({ event: 'logout', userId: this.userIdText(claims), ...eventOrigin(client) });
      return {};
    }
    const ended = await this.sessions.end(sid, this.userIdText(claims) ?? '', this.tokens.jtiOf(claims), this.settings.BLACKLIST_AFTER_ROTATION, this.settings.REFRESH_TOKEN_REUSE_GRACE);
    const userId = ended.userId ?? this.userIdText(claims);
    if (ended.kind === 'ended') throw blacklisted();
    if (ended.kind === 'reuse') {
      this.events.record({ event: 'reuse_detected', userId, sessionId: sid, ...eventOrigin(client) });
      this.events.record({ event: 'session_revoked', userId, sessionId: sid, reason: 'reuse', ...eventOrigin(client) });
      throw blacklisted();
    }
    this.events.record({ event: 'logout', userId, sessionId: sid, ...eventOrigin(client) });
    this.events.record({ event: 'session_revoked', userId, sessionId: sid, reason: 'logout', ...eventOrigin(client) });
    return {};
  }

  /** POST /api/token/sliding/: one token that is both bearer and refresh token, in a new session. */
  async obtainSliding(username: string, password: string, client: ClientInfo): Promise<{ token: string }> {
    const user = await this.login(username, password, client);
    const claims = await this.claimsFor(user);
    const now = this.tokens.now();
    const session = this.newSession(claims, client, this.settings.SLIDING_TOKEN_REFRESH_LIFETIME, now);
    await this.sessions.start(session);
    this.events.record({ event: 'login_succeeded', userId: session.userId, sessionId: session.id, ...eventOrigin(client) });
    const g = session.generation;
    const sliding = this.tokens.mintExact(
      'sliding',
      { ...claims, [SESSION_ID_CLAIM]: session.id, [this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM]: g.refreshExp },
      { jti: g.refreshJti, iat: now, exp: Math.min(now + this.settings.SLIDING_TOKEN_LIFETIME, session.expiresAt) },
    );
    return { token: sliding.token };
  }

  /** POST /api/token/sliding/refresh/: the same token (same jti) with a new exp, until refresh_exp. */
  async refreshSliding(token: string, client: ClientInfo): Promise<{ token: string }> {
    const claims = this.verified(token, 'sliding');
    const jti = this.tokens.jtiOf(claims);
    const sid = sessionIdOf(claims);
    let endsAt = Number.POSITIVE_INFINITY;
    if (sid === null && (await this.blacklist.isBlacklisted(jti))) throw blacklisted();
    try {
      this.tokens.checkExp(claims, this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM);
    } catch (error) {
      throw error instanceof TokenError ? new InvalidToken(error.message) : error;
    }
    if (sid === null) {
      await this.requireActiveUser(claims);
    } else {
      const now = this.tokens.now();
      const { user, outcome } = await this.sessionUsers.rotate(claims, {
        sid,
        userId: this.userIdText(claims) ?? '',
        jti,
        next: { refreshJti: jti, accessJti: jti, iat: now, refreshLifetime: 0, accessLifetime: 0 },
        strict: true,
        rotate: false,
        graceSeconds: 0,
      });
      if (outcome.kind !== 'kept') throw blacklisted();
      if (user === null || !this.resolver.isAllowed(user)) {
        await this.sessions.revoke(outcome.userId, sid, 'user_inactive');
        throw noActiveAccount();
      }
      endsAt = outcome.endsAt;
      this.events.record({ event: 'token_refreshed', userId: outcome.userId, sessionId: sid, ...eventOrigin(client) });
    }
    const refreshExp = claims[this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM];
    const now = this.tokens.now();
    const renewed = this.tokens.mintExact(
      'sliding',
      { ...this.tokens.copyableClaims(claims), [this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM]: refreshExp },
      { jti, iat: now, exp: Math.min(now + this.settings.SLIDING_TOKEN_LIFETIME, endsAt) },
    );
    return { token: renewed.token };
  }

  /** The claims a user's tokens carry: the user id claim, then any `tokenClaims` of the module. */
  async claimsFor(user: object): Promise<Claims> {
    const idClaim = this.settings.USER_ID_CLAIM;
    const claims: Claims = { [idClaim]: this.users.getIdField(user, this.settings.USER_ID_FIELD) };
    const extra = this.options.tokenClaims ? await this.options.tokenClaims(user) : {};
    for (const [name, value] of Object.entries(extra)) if (name !== idClaim && name !== SESSION_ID_CLAIM) claims[name] = value;
    return claims;
  }

  /**
   * A refresh token from before sessions (or SimpleJWT's own): checked against the blacklist;
   * with rotation it is blacklisted and its successor starts a session, in one statement.
   */
  private async refreshWithoutSession(claims: Claims, client: ClientInfo): Promise<{ access: string; refresh?: string }> {
    const old = this.record(claims);
    if (await this.blacklist.isBlacklisted(old.jti)) throw blacklisted();
    await this.requireActiveUser(claims);
    const copied = this.tokens.copyableClaims(claims);
    if (!this.settings.ROTATE_REFRESH_TOKENS) return { access: this.tokens.accessFrom(claims).token };
    const session = this.newSession(copied, client, this.settings.REFRESH_TOKEN_LIFETIME);
    if (this.settings.BLACKLIST_AFTER_ROTATION) {
      if (!(await this.blacklist.rotateIntoSession(old, session))) throw blacklisted();
    } else {
      await this.sessions.start(session);
    }
    this.events.record({ event: 'token_refreshed', userId: session.userId, sessionId: session.id, ...eventOrigin(client) });
    const pair = this.pair({ ...copied, [SESSION_ID_CLAIM]: session.id }, session.generation);
    return { access: pair.access, refresh: pair.refresh };
  }

  /** A session starting now for the user these claims name, its first refresh token living `lifetime`. */
  private newSession(claims: Claims, client: ClientInfo, lifetime: number, now = this.tokens.now()): NewSession {
    const end = now + this.settings.SESSION_LIFETIME;
    return {
      id: newSessionId(),
      userId: this.userIdText(claims) ?? '',
      expiresAt: end,
      client,
      generation: {
        refreshJti: newJti(),
        accessJti: newJti(),
        iat: now,
        refreshExp: Math.min(now + lifetime, end),
        accessExp: Math.min(now + this.settings.ACCESS_TOKEN_LIFETIME, end),
      },
    };
  }

  /** The refresh and access tokens of a generation, with `claims` (the session id among them). */
  private pair(claims: Claims, g: Generation): TokenPair {
    const refresh = this.tokens.mintExact('refresh', claims, { jti: g.refreshJti, iat: g.iat, exp: g.refreshExp });
    const access = this.tokens.mintExact('access', claims, { jti: g.accessJti, iat: g.iat, exp: g.accessExp });
    return { refresh: refresh.token, access: access.token };
  }

  private async login(username: string, password: string, client: ClientInfo): Promise<object> {
    await this.lockout.assertAllowed(username, client);
    const user = await this.users.authenticate(username, password);
    const attempt: LoginAttempt = { username, ...client };
    if (user === null || !this.resolver.isAllowed(user)) {
      this.events.record({ event: 'login_failed', username, userId: user === null ? null : String(this.resolver.idOf(user)), reason: user === null ? 'invalid_credentials' : 'inactive', ...eventOrigin(client) });
      await this.hook('ON_LOGIN_FAILED', () => this.options.ON_LOGIN_FAILED?.(attempt));
      await this.lockout.failed(username, client);
      throw new AuthenticationFailed(MESSAGES.noActiveAccount);
    }
    await this.lockout.succeeded(username, client);
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

  /** A refresh for a deleted or inactive user is refused. */
  private async requireActiveUser(claims: Claims): Promise<void> {
    const user = await this.resolver.userOf(claims);
    if (user === null || !this.resolver.isAllowed(user)) throw noActiveAccount();
  }

  private verified(token: string, type: TokenType | null): Claims {
    try {
      return this.tokens.verify(token, type);
    } catch (error) {
      throw error instanceof TokenError ? new InvalidToken(error.message) : error;
    }
  }

  private userIdText(claims: Claims): string | null {
    const userId = claims[this.settings.USER_ID_CLAIM];
    return typeof userId === 'string' || typeof userId === 'number' ? String(userId) : null;
  }

  private record(claims: Claims): TokenRecord {
    return {
      jti: this.tokens.jtiOf(claims),
      userId: this.userIdText(claims),
      iat: typeof claims.iat === 'number' ? claims.iat : this.tokens.now(),
      exp: claims.exp as number,
    };
  }
}

function blacklisted(): InvalidToken {
  return new InvalidToken(MESSAGES.tokenBlacklisted);
}

function noActiveAccount(): AuthenticationFailed {
  return new AuthenticationFailed(MESSAGES.noActiveAccountForToken, 'no_active_account');
}
