import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { UserResolver } from '../authentication/user-resolver.service.js';
import { USER_STORE, type UserStore } from '../authentication/user-store.js';
import type { Claims } from '../tokens/token-types.js';
import { SessionRepository, type RotationOutcome, type RotationRequest } from './session.repository.js';

/**
 * The user a token names together with its session, in one round trip when the user store can
 * say how to select its users in SQL (UserStore.sqlLookup), else as two statements at once.
 */
@Injectable()
export class SessionUsers {
  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    @Inject(USER_STORE) private readonly store: UserStore,
    private readonly resolver: UserResolver,
    private readonly sessions: SessionRepository,
  ) {}

  /** The user (null when none) and whether session `sid` is live: every authenticated request in database mode. */
  async userInSession(claims: Claims, sid: string): Promise<{ user: object | null; live: boolean }> {
    const lookup = this.store.sqlLookup;
    const param = lookup && this.param(claims);
    if (lookup === undefined || param === null) {
      const [user, live] = await Promise.all([this.resolver.userOf(claims), this.sessions.isLive(sid)]);
      return { user, live };
    }
    const { user, live } = await this.sessions.userWithSession(lookup.select(this.settings.USER_ID_FIELD), param, sid);
    return { user: user === null ? null : lookup.fromRow(user), live };
  }

  /**
   * A refresh of the session together with the user's lookup. With a SQL lookup nothing rotates
   * for a user who is not there; without one both run at once and the caller ends the session
   * when the user turns out missing or not allowed.
   */
  async rotate(claims: Claims, request: RotationRequest): Promise<{ user: object | null; outcome: RotationOutcome; sessionWasLive: boolean }> {
    const lookup = this.store.sqlLookup;
    const param = lookup && this.param(claims);
    if (lookup === undefined || param === null) {
      const [user, outcome] = await Promise.all([this.resolver.userOf(claims), this.sessions.rotate(request)]);
      return { user, outcome, sessionWasLive: outcome.kind !== 'ended' };
    }
    const result = await this.sessions.rotateWithUser(lookup.select(this.settings.USER_ID_FIELD), param, request);
    return { ...result, user: result.user === null ? null : lookup.fromRow(result.user) };
  }

  /** `$1` of the store's select, or null when the claim can name no user. */
  private param(claims: Claims): unknown {
    if (!this.resolver.isIdValue(claims)) return null;
    return this.store.sqlLookup!.param(this.settings.USER_ID_FIELD, claims[this.settings.USER_ID_CLAIM] as string | number);
  }
}
