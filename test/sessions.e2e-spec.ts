import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapturingLogger } from './support/capturing-logger.js';
import { dropDatabases, sql } from './support/database.js';
import { bearer, createUser, decode, login, startApp, type TestApp } from './support/test-app.js';

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const ENDED = {
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is blacklisted' }],
};
const NOT_FOUND = { detail: 'Not found.' };
const DRF_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sid = (token: string) => decode(token).payload.sid as string;

describe('sessions', () => {
  const logger = new CapturingLogger();
  let t: TestApp;
  let alice: { id: number };
  let bob: { id: number };

  beforeAll(async () => {
    t = await startApp({ JWT_REFRESH_TOKEN_REUSE_GRACE: '2s' }, undefined, logger);
    alice = await createUser(t, { username: 'alice', password: 'alice pass word' });
    bob = await createUser(t, { username: 'bob', password: 'bob pass word' });
    await createUser(t, { username: 'root', password: 'root pass word', isStaff: true });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const refresh = (token: string) => t.http().post('/api/token/refresh/').send({ refresh: token });
  const logout = (token: string) => t.http().post('/api/token/blacklist/').send({ refresh: token });
  const me = (access: string) => t.http().get('/api/me/').set(bearer(access));
  const loginAs = (username: string, agent = 'spec/1') =>
    t.http().post('/api/token/').set('User-Agent', agent).send({ username, password: `${username} pass word` }).then((r) => r.body as { access: string; refresh: string });

  describe('retry and reuse', () => {
    it("keeps a client logged in whose refresh committed but whose answer was lost: its retry gets the identical pair", async () => {
      const pair = await loginAs('alice');
      const lost = await refresh(pair.refresh); // committed; the client never reads it
      const retry = await refresh(pair.refresh);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(lost.body);
      expect(decode(retry.body.refresh).payload).toEqual(decode(lost.body.refresh).payload);
      expect((await me(retry.body.access)).status).toBe(200);
      const next = await refresh(retry.body.refresh);
      expect(next.status).toBe(200);
    });

    it('revokes the session when the parent comes back after the grace window, and logs it as a security event without a token', async () => {
      const pair = await loginAs('alice');
      const first = (await refresh(pair.refresh)).body;
      await sleep(2200);
      const late = await refresh(pair.refresh);
      expect([late.status, late.body]).toEqual([401, BLACKLISTED]);
      expect((await me(first.access)).body).toEqual(ENDED);
      expect((await refresh(first.refresh)).body).toEqual(BLACKLISTED);
      const events = logger.events().filter((e) => e.session_id === sid(pair.refresh));
      expect(events).toEqual(
        expect.arrayContaining([
          { event: 'reuse_detected', user_id: String(alice.id), session_id: sid(pair.refresh), ip: '127.0.0.1', request_id: late.headers['x-request-id'] },
          { event: 'session_revoked', user_id: String(alice.id), session_id: sid(pair.refresh), reason: 'reuse', ip: '127.0.0.1', request_id: late.headers['x-request-id'] },
        ]),
      );
      const warnings = logger.lines.filter((line) => line.startsWith('warn [AuthEvents]') && line.includes(sid(pair.refresh)));
      expect(warnings).toHaveLength(1);
      const all = logger.lines.join('\n');
      for (const token of [pair.refresh, first.refresh, first.access]) expect(all).not.toContain(token.split('.')[2]);
    });

    it('revokes the session when a token two generations back comes within the grace window', async () => {
      const pair = await loginAs('alice');
      const first = (await refresh(pair.refresh)).body;
      const second = (await refresh(first.refresh)).body;
      const replay = await refresh(pair.refresh);
      expect([replay.status, replay.body]).toEqual([401, BLACKLISTED]);
      expect((await me(second.access)).body).toEqual(ENDED);
      const [row] = await sql(t.databaseUrl, 'SELECT revoked_reason FROM token_session WHERE id = $1', [sid(pair.refresh)]);
      expect(row.revoked_reason).toBe('reuse');
    });
  });

  describe('logout', () => {
    it('ends access at once in database mode: the access token of the logged-out session is refused', async () => {
      const pair = await loginAs('alice');
      expect((await me(pair.access)).status).toBe(200);
      expect((await logout(pair.refresh)).body).toEqual({});
      const res = await me(pair.access);
      expect([res.status, res.body]).toEqual([401, ENDED]);
      expect((await refresh(pair.refresh)).body).toEqual(BLACKLISTED);
    });

    it('ends the session when given the parent a moment after another tab rotated it', async () => {
      const pair = await loginAs('alice');
      const otherTab = (await refresh(pair.refresh)).body;
      const out = await logout(pair.refresh);
      expect([out.status, out.body]).toEqual([200, {}]);
      expect((await me(otherTab.access)).body).toEqual(ENDED);
      expect((await refresh(otherTab.refresh)).body).toEqual(BLACKLISTED);
      const [row] = await sql(t.databaseUrl, 'SELECT revoked_reason FROM token_session WHERE id = $1', [sid(pair.refresh)]);
      expect(row.revoked_reason).toBe('logout');
    });

    it('leaves the user\'s other sessions alone', async () => {
      const one = await loginAs('alice');
      const two = await loginAs('alice');
      await logout(one.refresh);
      expect((await me(two.access)).status).toBe(200);
      expect((await refresh(two.refresh)).status).toBe(200);
    });
  });

  describe('GET /api/sessions/', () => {
    it("lists the caller's live sessions, newest first, in DRF's shapes", async () => {
      const older = await loginAs('bob', 'phone/1');
      await sleep(20);
      const newer = await loginAs('bob', 'laptop/1');
      const ended = await loginAs('bob', 'old/1');
      await logout(ended.refresh);
      const res = await t.http().get('/api/sessions/').set(bearer(newer.access));
      expect(res.status).toBe(200);
      expect(res.body.map((s: { id: string }) => s.id)).toEqual([sid(newer.access), sid(older.access)]);
      const [first] = res.body;
      expect(Object.keys(first)).toEqual(['id', 'created_at', 'last_used_at', 'expires_at', 'user_agent', 'ip_address', 'current']);
      expect(first).toMatchObject({ id: sid(newer.access), user_agent: 'laptop/1', ip_address: '127.0.0.1', current: true });
      expect(res.body[1]).toMatchObject({ user_agent: 'phone/1', current: false });
      for (const field of ['created_at', 'last_used_at', 'expires_at']) expect(first[field]).toMatch(DRF_DATE);
      const iat = decode(newer.refresh).payload.iat as number;
      expect(Date.parse(first.expires_at)).toBe((iat + 30 * 86400) * 1000);
      expect(Math.abs(Date.parse(first.created_at) - iat * 1000)).toBeLessThan(1500);
      expect((await t.http().get('/api/sessions').set(bearer(older.access))).body).toHaveLength(2);
    });

    it('needs an authenticated user', async () => {
      const res = await t.http().get('/api/sessions/');
      expect([res.status, res.body]).toEqual([401, { detail: 'Authentication credentials were not provided.' }]);
    });
  });

  describe('POST /api/sessions/{id}/revoke/', () => {
    it('ends the current session without a password: 204, and its tokens stop working', async () => {
      const pair = await loginAs('bob');
      const res = await t.http().post(`/api/sessions/${sid(pair.access)}/revoke/`).set(bearer(pair.access));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await me(pair.access)).body).toEqual(ENDED);
      expect((await refresh(pair.refresh)).body).toEqual(BLACKLISTED);
    });

    it('ends another of the caller\'s sessions after the password: 400 when it is wrong or missing, then 204', async () => {
      const phone = await loginAs('bob', 'phone/1');
      const laptop = await loginAs('bob', 'laptop/1');
      const path = `/api/sessions/${sid(phone.access)}/revoke/`;
      const missing = await t.http().post(path).set(bearer(laptop.access)).send({});
      expect([missing.status, missing.body]).toEqual([400, { password: ['This field is required.'] }]);
      const wrong = await t.http().post(path).set(bearer(laptop.access)).send({ password: 'nope' });
      expect([wrong.status, wrong.body]).toEqual([400, { password: ['Incorrect password.'] }]);
      expect((await me(phone.access)).status).toBe(200);
      const done = await t.http().post(path).set(bearer(laptop.access)).send({ password: 'bob pass word' });
      expect(done.status).toBe(204);
      expect((await me(phone.access)).body).toEqual(ENDED);
      expect((await me(laptop.access)).status).toBe(200);
      const twice = await t.http().post(path).set(bearer(laptop.access)).send({ password: 'bob pass word' });
      expect([twice.status, twice.body]).toEqual([404, NOT_FOUND]);
    });

    it("answers 404 for an unknown id and for another user's session, before asking for the password", async () => {
      const mine = await loginAs('bob');
      const theirs = await loginAs('alice');
      for (const id of ['0'.repeat(32), sid(theirs.access), 'not-an-id']) {
        const res = await t.http().post(`/api/sessions/${id}/revoke/`).set(bearer(mine.access)).send({ password: 'bob pass word' });
        expect([id, res.status, res.body]).toEqual([id, 404, NOT_FOUND]);
        const noPassword = await t.http().post(`/api/sessions/${id}/revoke/`).set(bearer(mine.access));
        expect(noPassword.status).toBe(404);
      }
      expect((await me(theirs.access)).status).toBe(200);
    });
  });

  describe('POST /api/sessions/revoke-others/', () => {
    it('ends every session of the caller but the current one, after the password', async () => {
      const user = await createUser(t, { username: 'carol', password: 'carol pass word' });
      const sessions = [await loginAs('carol'), await loginAs('carol'), await loginAs('carol')];
      const current = sessions[2];
      const wrong = await t.http().post('/api/sessions/revoke-others/').set(bearer(current.access)).send({ password: 'x' });
      expect([wrong.status, wrong.body]).toEqual([400, { password: ['Incorrect password.'] }]);
      const res = await t.http().post('/api/sessions/revoke-others/').set(bearer(current.access)).send({ password: 'carol pass word' });
      expect([res.status, res.body]).toEqual([200, { revoked: 2 }]);
      for (const ended of sessions.slice(0, 2)) expect((await me(ended.access)).body).toEqual(ENDED);
      expect((await me(current.access)).status).toBe(200);
      const rows = await sql(t.databaseUrl, 'SELECT revoked_reason FROM token_session WHERE user_id = $1 ORDER BY created_at', [String(user.id)]);
      expect(rows.map((r) => r.revoked_reason)).toEqual(['revoke_others', 'revoke_others', null]);
    });
  });

  describe('staff', () => {
    it("see a user's sessions and end them all; others get 403, an unknown user 404", async () => {
      const dave = await createUser(t, { username: 'dave', password: 'dave pass word' });
      const daves = [await loginAs('dave'), await loginAs('dave')];
      const root = await loginAs('root');
      const listed = await t.http().get(`/api/users/${dave.id}/sessions/`).set(bearer(root.access));
      expect(listed.status).toBe(200);
      expect(listed.body.map((s: { id: string }) => s.id).sort()).toEqual(daves.map((p) => sid(p.access)).sort());
      expect(listed.body.every((s: { current: boolean }) => s.current === false)).toBe(true);
      const forbidden = await t.http().post(`/api/users/${dave.id}/sessions/revoke-all/`).set(bearer(daves[0].access));
      expect([forbidden.status, forbidden.body]).toEqual([403, { detail: 'You do not have permission to perform this action.' }]);
      const res = await t.http().post(`/api/users/${dave.id}/sessions/revoke-all/`).set(bearer(root.access));
      expect([res.status, res.body]).toEqual([200, { revoked: 2 }]);
      for (const pair of daves) expect((await me(pair.access)).body).toEqual(ENDED);
      const again = await t.http().post(`/api/users/${dave.id}/sessions/revoke-all`).set(bearer(root.access));
      expect(again.body).toEqual({ revoked: 0 });
      for (const id of ['999999', 'abc', '01']) {
        const unknown = await t.http().get(`/api/users/${id}/sessions/`).set(bearer(root.access));
        expect([unknown.status, unknown.body]).toEqual([404, NOT_FOUND]);
      }
      expect((await t.http().get(`/api/users/${dave.id}/sessions/`)).status).toBe(401);
    });
  });

  describe("POST /api/password/change/ (dj-rest-auth's)", () => {
    it("saves the new password and ends the user's other sessions; the current one goes on", async () => {
      await createUser(t, { username: 'erin', password: 'erin pass word' });
      const other = await loginAs('erin');
      const current = await loginAs('erin');
      const res = await t.http().post('/api/password/change/').set(bearer(current.access)).send({
        old_password: 'erin pass word',
        new_password1: 'a much better secret 42',
        new_password2: 'a much better secret 42',
      });
      expect([res.status, res.body]).toEqual([200, { detail: 'New password has been saved.' }]);
      expect((await me(other.access)).body).toEqual(ENDED);
      expect((await refresh(other.refresh)).body).toEqual(BLACKLISTED);
      expect((await me(current.access)).status).toBe(200);
      expect((await refresh(current.refresh)).status).toBe(200);
      expect((await t.http().post('/api/token/').send({ username: 'erin', password: 'erin pass word' })).status).toBe(401);
      expect((await t.http().post('/api/token/').send({ username: 'erin', password: 'a much better secret 42' })).status).toBe(200);
      // No password material in any token.
      for (const token of [current.access, current.refresh]) expect(JSON.stringify(decode(token).payload)).not.toMatch(/argon2|pass/);
    });

    it("answers Django's field errors and changes nothing", async () => {
      await createUser(t, { username: 'fred', password: 'fred pass word' });
      const pair = await loginAs('fred');
      const change = (body: Record<string, unknown>) => t.http().post('/api/password/change/').set(bearer(pair.access)).send(body);
      expect((await change({})).body).toEqual({
        old_password: ['This field is required.'],
        new_password1: ['This field is required.'],
        new_password2: ['This field is required.'],
      });
      expect((await change({ old_password: 'wrong', new_password1: 'a new secret 77', new_password2: 'a new secret 77' })).body).toEqual({
        old_password: ['Your old password was entered incorrectly. Please enter it again.'],
      });
      expect((await change({ old_password: 'fred pass word', new_password1: 'a new secret 77', new_password2: 'another 77' })).body).toEqual({
        new_password2: ['The two password fields didn’t match.'],
      });
      const weak = await change({ old_password: 'fred pass word', new_password1: '12345678', new_password2: '12345678' });
      expect([weak.status, weak.body]).toEqual([400, { new_password2: ['This password is too common.', 'This password is entirely numeric.'] }]);
      expect((await t.http().post('/api/token/').send({ username: 'fred', password: 'fred pass word' })).status).toBe(200);
      expect((await t.http().post('/api/password/change/').send({})).status).toBe(401);
    });
  });

  describe('deactivation', () => {
    it("ends access at once and the next refresh ends the session", async () => {
      const user = await createUser(t, { username: 'gina', password: 'gina pass word' });
      const pair = await loginAs('gina');
      await sql(t.databaseUrl, 'UPDATE auth_user SET is_active = false WHERE id = $1', [user.id]);
      expect((await me(pair.access)).body).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
      expect((await refresh(pair.refresh)).body).toEqual({ detail: 'No active account found for the given token.', code: 'no_active_account' });
      await sql(t.databaseUrl, 'UPDATE auth_user SET is_active = true WHERE id = $1', [user.id]);
      expect((await me(pair.access)).body).toEqual(ENDED);
    });
  });
});

describe('password guesses on the session routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'token=3/minute' });
    await createUser(t, { username: 'alice', password: 'alice pass word' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it("count against the token endpoints' rate: the password change and revoke-others are throttled per user", async () => {
    const { access } = await login(t, 'alice', 'alice pass word'); // counted for the address, not the user
    const change = () =>
      t.http().post('/api/password/change/').set(bearer(access)).send({ old_password: 'guess', new_password1: 'a new secret 99', new_password2: 'a new secret 99' });
    expect((await change()).status).toBe(400);
    expect((await t.http().post('/api/sessions/revoke-others/').set(bearer(access)).send({ password: 'guess' })).status).toBe(400);
    expect((await change()).status).toBe(400);
    const throttled = await change();
    expect(throttled.status).toBe(429);
    expect(throttled.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
    // Listing sessions checks no password: not counted.
    expect((await t.http().get('/api/sessions/').set(bearer(access))).status).toBe(200);
  });
});

describe('sessions in the stateless mode (JWTStatelessUserAuthentication)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication' });
    await createUser(t, { username: 'alice', password: 'alice pass word' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('end the refresh token at logout, while access tokens go on until they expire (no lookup per request)', async () => {
    const pair = await login(t, 'alice', 'alice pass word');
    expect((await t.http().post('/api/token/blacklist/').send({ refresh: pair.refresh })).status).toBe(200);
    expect((await t.http().get('/api/me/').set(bearer(pair.access))).status).toBe(200);
    expect((await t.http().post('/api/token/refresh/').send({ refresh: pair.refresh })).body).toEqual(BLACKLISTED);
    expect((await t.http().post('/api/token/verify/').send({ token: pair.access })).body).toEqual({ non_field_errors: ['Token is blacklisted'] });
  });

  it("still list and end sessions (the caller is looked up there)", async () => {
    const pair = await login(t, 'alice', 'alice pass word');
    const res = await t.http().get('/api/sessions/').set(bearer(pair.access));
    expect(res.status).toBe(200);
    expect(res.body.find((s: { current: boolean }) => s.current).id).toBe(sid(pair.access));
  });
});
