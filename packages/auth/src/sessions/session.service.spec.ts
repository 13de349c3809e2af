import { describe, expect, it } from '@jest/globals';
import { AUTH_EXTRAS_DEFAULTS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import type { ResolvedSettings } from '../auth.settings.js';
import { UserResolver } from '../authentication/user-resolver.service.js';
import type { UserStore } from '../authentication/user-store.js';
import { ValidationFailed } from '../errors/exceptions.js';
import { AuthEvents, type AuthEvent } from '../events/auth-events.js';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import type { SessionRepository } from './session.repository.js';
import { SessionService } from './session.service.js';

interface TestUser {
  id: number;
  password: string;
  is_staff: boolean;
}

const SETTINGS = { USER_ID_CLAIM: 'user_id', USER_ID_FIELD: 'id', NUM_PROXIES: 1 } as ResolvedSettings;

/** The service on a store of two users and a repository that ends the sessions it is told; the events it records. */
function service() {
  const users = new Map<number, TestUser>([
    [7, { id: 7, password: 'old secret', is_staff: false }],
    [9, { id: 9, password: 'staff secret', is_staff: true }],
  ]);
  const store: UserStore<TestUser> = {
    authenticate: async () => null,
    findByIdField: async (_field, value) => users.get(Number(value)) ?? null,
    getIdField: (user) => user.id,
    isActive: () => true,
    isStaff: (user) => user.is_staff,
    checkPassword: async (user, password) => user.password === password,
    setPassword: async (user, password) => void (user.password = password),
    validatePassword: () => [],
  };
  const revoked: [string, string, string | null][] = [];
  const sessions = {
    revokeAll: async (userId: string, reason: string, keep: string | null = null) => {
      revoked.push([userId, reason, keep]);
      return ['other-1', 'other-2'];
    },
  } as unknown as SessionRepository;
  const events: AuthEvent[] = [];
  const resolver = new UserResolver(SETTINGS, store as UserStore, {} as AuthModuleOptions);
  const sessionService = new SessionService(AUTH_EXTRAS_DEFAULTS, SETTINGS, store as UserStore, resolver, sessions, new AuthEvents({ record: (e) => void events.push(e) }));
  return { sessionService, users, events, revoked };
}

/** A request as the guards leave it: its id, the user, the claims, and (one proxy in front) the address X-Forwarded-For names. */
function requestOf(user: TestUser, sid: string, id: string | null = 'req-1'): AuthenticatedRequest {
  return { ...(id === null ? {} : { id }), method: 'POST', user, auth: { user_id: user.id, sid }, headers: { 'x-forwarded-for': '198.51.100.4' }, socket: { remoteAddress: '127.0.0.1' } } as AuthenticatedRequest;
}

describe('SessionService events', () => {
  it('records password_changed (who, which session, from where) and each other session it ends; never a password', async () => {
    const { sessionService, users, events, revoked } = service();
    const answer = await sessionService.changePassword(requestOf(users.get(7)!, 'current'), {
      old_password: 'old secret',
      new_password1: 'new secret 42',
      new_password2: 'new secret 42',
    });
    expect(answer).toEqual({ detail: 'New password has been saved.' });
    expect(revoked).toEqual([['7', 'password_change', 'current']]);
    expect(events).toStrictEqual([
      { event: 'password_changed', userId: '7', sessionId: 'current', ip: '198.51.100.4', requestId: 'req-1' },
      { event: 'session_revoked', userId: '7', sessionId: 'other-1', reason: 'password_change', ip: '198.51.100.4', requestId: 'req-1' },
      { event: 'session_revoked', userId: '7', sessionId: 'other-2', reason: 'password_change', ip: '198.51.100.4', requestId: 'req-1' },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/secret/);
  });

  it('records nothing when the old password is wrong', async () => {
    const { sessionService, users, events } = service();
    const change = sessionService.changePassword(requestOf(users.get(7)!, 'current'), { old_password: 'guess', new_password1: 'x y z 1234', new_password2: 'x y z 1234' });
    await expect(change).rejects.toBeInstanceOf(ValidationFailed);
    expect(events).toEqual([]);
    expect(users.get(7)!.password).toBe('old secret');
  });

  it("names the staff member who ended a user's sessions (actorId) and their address; no requestId when the request has no id (Express)", async () => {
    const { sessionService, users, events, revoked } = service();
    expect(await sessionService.revokeAllFor('7', requestOf(users.get(9)!, 'staff-session', null))).toEqual({ revoked: 2 });
    expect(revoked).toEqual([['7', 'admin', null]]);
    expect(events).toStrictEqual([
      { event: 'session_revoked', userId: '7', sessionId: 'other-1', reason: 'admin', actorId: '9', ip: '198.51.100.4' },
      { event: 'session_revoked', userId: '7', sessionId: 'other-2', reason: 'admin', actorId: '9', ip: '198.51.100.4' },
    ]);
  });
});
