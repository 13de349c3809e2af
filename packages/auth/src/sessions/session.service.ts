import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AUTH_EXTRAS, type AuthModuleExtras } from '../auth.module-definition.js';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { clientInfo, eventOrigin, type RequestWithClient } from '../authentication/client-info.js';
import { UserResolver } from '../authentication/user-resolver.service.js';
import { USER_STORE, type UserStore } from '../authentication/user-store.js';
import { AuthenticationFailed, NotFound, ValidationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { AuthEvents } from '../events/auth-events.js';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import type { Claims } from '../tokens/token-types.js';
import { drfDateTime } from '../validation/date-time.js';
import type { PasswordChangeRequest, SessionResponse } from './session.dto.js';
import { sessionIdOf } from './session-id.js';
import { SessionRepository } from './session.repository.js';
import type { RevocationReason, SessionView } from './session.types.js';

/** The authenticated caller: the user as the store knows it, their id as tokens carry it, their session and address. */
interface Caller {
  readonly user: object;
  readonly userId: string;
  readonly sessionId: string | null;
  /** The client's address and the request's id, for the events. */
  readonly origin: { ip: string; requestId?: string };
}

/**
 * What the session routes do: users see and end their sessions (re-authenticating for any but
 * the current one, ASVS 5.0 7.5.1-7.5.2), staff end a user's sessions, and a password change ends
 * every other session.
 */
@Injectable()
export class SessionService implements OnModuleInit {
  constructor(
    @Inject(AUTH_EXTRAS) private readonly extras: AuthModuleExtras,
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    @Inject(USER_STORE) private readonly users: UserStore,
    private readonly resolver: UserResolver,
    private readonly sessions: SessionRepository,
    private readonly events: AuthEvents,
  ) {}

  /** The session routes ask for passwords: a store that cannot check them is a configuration error, said at start. */
  onModuleInit(): void {
    if (!this.extras.sessionRoutes) return;
    const missing = (['checkPassword', 'setPassword'] as const).filter((method) => typeof this.users[method] !== 'function');
    if (missing.length > 0) {
      throw new Error(
        `AuthModule: the session routes need UserStore.${missing.join(' and UserStore.')} ` +
          '(re-authentication and the password change); implement them, or pass `sessionRoutes: false`.',
      );
    }
  }

  /** GET /api/sessions/: the caller's live sessions, newest first. */
  async list(request: AuthenticatedRequest): Promise<SessionResponse[]> {
    const caller = await this.caller(request);
    return (await this.sessions.list(caller.userId)).map((s) => view(s, caller.sessionId));
  }

  /** POST /api/sessions/{id}/revoke/: ends one of the caller's sessions; the password is asked for any but the current one. */
  async revoke(request: AuthenticatedRequest, sid: string, readPassword: () => Promise<string>): Promise<void> {
    const caller = await this.caller(request);
    if (!(await this.sessions.list(caller.userId)).some((s) => s.id === sid)) throw new NotFound();
    const reason: RevocationReason = sid === caller.sessionId ? 'logout' : 'revoked';
    if (sid !== caller.sessionId) await this.confirmPassword(caller.user, await readPassword());
    if (!(await this.sessions.revoke(caller.userId, sid, reason))) throw new NotFound();
    this.revoked(caller.userId, [sid], reason, caller.origin);
  }

  /** POST /api/sessions/revoke-others/: every session of the caller but the current one. */
  async revokeOthers(request: AuthenticatedRequest, password: string): Promise<{ revoked: number }> {
    const caller = await this.caller(request);
    await this.confirmPassword(caller.user, password);
    const ended = await this.sessions.revokeAll(caller.userId, 'revoke_others', caller.sessionId);
    this.revoked(caller.userId, ended, 'revoke_others', caller.origin);
    return { revoked: ended.length };
  }

  /** GET /api/users/{id}/sessions/ (staff): that user's live sessions. */
  async listFor(request: AuthenticatedRequest, userId: string): Promise<SessionResponse[]> {
    const id = await this.existingUserId(userId);
    const current = sessionIdOf(request.auth ?? {});
    return (await this.sessions.list(id)).map((s) => view(s, current));
  }

  /**
   * POST /api/users/{id}/sessions/revoke-all/ (staff): ends every session of that user. `request`
   * (the staff member's) names in the events who did it and from where.
   */
  async revokeAllFor(userId: string, request?: AuthenticatedRequest): Promise<{ revoked: number }> {
    const id = await this.existingUserId(userId);
    const ended = await this.sessions.revokeAll(id, 'admin');
    const actor = request?.auth?.[this.settings.USER_ID_CLAIM];
    this.revoked(id, ended, 'admin', request === undefined ? undefined : this.originOf(request), actor === undefined || actor === null ? undefined : String(actor));
    return { revoked: ended.length };
  }

  /** POST /api/password/change/ (dj-rest-auth): the new password, and every other session ended. */
  async changePassword(request: AuthenticatedRequest, body: PasswordChangeRequest): Promise<{ detail: string }> {
    const caller = await this.caller(request);
    if (!(await this.checkPassword(caller.user, body.old_password))) {
      throw new ValidationFailed({ old_password: [MESSAGES.oldPasswordIncorrect] });
    }
    if (body.new_password1 !== body.new_password2) throw new ValidationFailed({ new_password2: [MESSAGES.passwordMismatch] });
    const problems = (await this.users.validatePassword?.(caller.user, body.new_password1)) ?? [];
    if (problems.length > 0) throw new ValidationFailed({ new_password2: problems });
    await this.users.setPassword!(caller.user, body.new_password1);
    this.events.record({ event: 'password_changed', userId: caller.userId, sessionId: caller.sessionId ?? undefined, ...caller.origin });
    const ended = await this.sessions.revokeAll(caller.userId, 'password_change', caller.sessionId);
    this.revoked(caller.userId, ended, 'password_change', caller.origin);
    return { detail: MESSAGES.passwordSaved };
  }

  /** The caller as the store knows them (a stateless TokenUser is looked up). */
  private async caller(request: AuthenticatedRequest): Promise<Caller> {
    const claims: Claims = request.auth ?? {};
    let user = request.user ?? null;
    if (user !== null && this.resolver.isTokenUser(user)) user = await this.resolver.userOf(claims);
    if (user === null) throw new AuthenticationFailed(MESSAGES.userNotFound, 'user_not_found');
    return { user, userId: String(this.resolver.idOf(user)), sessionId: sessionIdOf(claims), origin: this.originOf(request) };
  }

  /** The client's address as the token routes see it (NUM_PROXIES-aware), and the request's id. */
  private originOf(request: AuthenticatedRequest): { ip: string; requestId?: string } {
    return eventOrigin(clientInfo(request as AuthenticatedRequest & RequestWithClient, this.settings.NUM_PROXIES));
  }

  private async existingUserId(value: string): Promise<string> {
    const user = await this.users.findByIdField(this.settings.USER_ID_FIELD, value);
    if (user === null) throw new NotFound();
    return String(this.resolver.idOf(user));
  }

  private async confirmPassword(user: object, password: string): Promise<void> {
    if (!(await this.checkPassword(user, password))) throw new ValidationFailed({ password: [MESSAGES.incorrectPassword] });
  }

  private checkPassword(user: object, password: string): Promise<boolean> {
    return this.users.checkPassword!(user, password);
  }

  private revoked(userId: string, sessionIds: string[], reason: RevocationReason, origin?: { ip: string; requestId?: string }, actorId?: string): void {
    for (const sessionId of sessionIds) {
      this.events.record({ event: 'session_revoked', userId, sessionId, reason, ...(actorId === undefined ? {} : { actorId }), ...origin });
    }
  }
}

function view(session: SessionView, current: string | null): SessionResponse {
  return {
    id: session.id,
    created_at: drfDateTime(session.createdAt),
    last_used_at: drfDateTime(session.lastUsedAt),
    expires_at: drfDateTime(session.expiresAt),
    user_agent: session.userAgent,
    ip_address: session.ipAddress,
    current: session.id === current,
  };
}
