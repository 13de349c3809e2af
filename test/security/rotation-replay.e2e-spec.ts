// Rotation replay: a stolen refresh token used after its owner rotated it, two generations back,
// after logout or a password change, and many replays at once. Each replay of a rotated token
// ends the whole session (reuse detection); nothing of an ended session works again.
import { afterAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, sql } from '../support/database.js';
import { bearer, createUser, login, type TestApp } from '../support/test-app.js';
import { appWith, bearerRefusal, me, refresh, verify } from './forge.js';

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const NO_ACTIVE_ACCOUNT = { detail: 'No active account found for the given token.', code: 'no_active_account' };
const ENDED = bearerRefusal('Token is blacklisted');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pair {
  access: string;
  refresh: string;
}

/** A refresh that must succeed: the next pair. */
async function rotate(t: TestApp, token: string): Promise<Pair> {
  const res = await refresh(t, token);
  expect([res.status, Object.keys(res.body)]).toEqual([200, ['access', 'refresh']]);
  return res.body;
}

/** Nothing of the session works any more: its live refresh token, its access token, verify of either. */
async function expectEnded(t: TestApp, live: Pair): Promise<void> {
  const res = await refresh(t, live.refresh);
  expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
  const bearerRes = await me(t, live.access);
  expect([bearerRes.status, bearerRes.body]).toEqual([401, ENDED]);
  const checked = await verify(t, live.refresh);
  expect([checked.status, checked.body]).toEqual([400, { non_field_errors: ['Token is blacklisted'] }]);
}

const revokedFor = async (t: TestApp, reason: string) =>
  Number((await sql(t.databaseUrl, 'SELECT count(*) AS n FROM token_session WHERE revoked_reason = $1', [reason]))[0].n);

afterAll(async () => {
  await dropDatabases();
});

describe('security: rotation replay (JWT_REFRESH_TOKEN_REUSE_GRACE=1s)', () => {
  const app = appWith({ JWT_REFRESH_TOKEN_REUSE_GRACE: '1s' });

  it('the parent replayed within the grace window gets the same pair, byte for byte (a lost answer), and the session goes on', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    expect(await rotate(app.t, first.refresh)).toEqual(second);
    await rotate(app.t, second.refresh);
  });

  it('the parent replayed after the grace window: 401 blacklisted, and the whole session ends', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    await sleep(1200);
    const res = await refresh(app.t, first.refresh);
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    await expectEnded(app.t, second);
  });

  it('a token two generations back, even within the grace window: 401 blacklisted, and the session ends', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    const third = await rotate(app.t, second.refresh);
    const res = await refresh(app.t, first.refresh);
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    await expectEnded(app.t, third);
  });

  it('a replay answers 401 again and again; the session stays ended', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    await rotate(app.t, second.refresh);
    for (const token of [first.refresh, first.refresh, second.refresh]) {
      const res = await refresh(app.t, token);
      expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    }
  });

  it('the refresh token of a logout: 401 blacklisted, its access token refused at once, a second logout refused', async () => {
    const pair = await login(app.t, 'alice');
    const out = await app.t.http().post('/api/token/blacklist/').send({ refresh: pair.refresh });
    expect([out.status, out.body]).toEqual([200, {}]);
    const res = await refresh(app.t, pair.refresh);
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    const bearerRes = await me(app.t, pair.access);
    expect([bearerRes.status, bearerRes.body]).toEqual([401, ENDED]);
    const again = await app.t.http().post('/api/token/blacklist/').send({ refresh: pair.refresh });
    expect([again.status, again.body]).toEqual([401, BLACKLISTED]);
  });

  it('the rotated-away parent of a logged-out session: 401 blacklisted', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    expect((await app.t.http().post('/api/token/blacklist/').send({ refresh: second.refresh })).status).toBe(200);
    const res = await refresh(app.t, first.refresh);
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
  });

  it("after a password change, the user's other sessions' refresh and access tokens are refused", async () => {
    await createUser(app.t, { username: 'carol', password: 'carol pass word' });
    const stolen = await login(app.t, 'carol', 'carol pass word');
    const current = await login(app.t, 'carol', 'carol pass word');
    const change = await app.t.http().post('/api/password/change/').set(bearer(current.access)).send({
      old_password: 'carol pass word',
      new_password1: 'a much better secret 42',
      new_password2: 'a much better secret 42',
    });
    expect([change.status, change.body]).toEqual([200, { detail: 'New password has been saved.' }]);
    await expectEnded(app.t, stolen);
    await rotate(app.t, current.refresh);
  });

  it('after the user is deactivated, a refresh is refused (no_active_account) and the session ends', async () => {
    const user = await createUser(app.t, { username: 'dave' });
    const pair = await login(app.t, 'dave');
    await sql(app.t.databaseUrl, 'UPDATE auth_user SET is_active = false WHERE id = $1', [user.id]);
    const res = await refresh(app.t, pair.refresh);
    expect([res.status, res.body]).toEqual([401, NO_ACTIVE_ACCOUNT]);
    await sql(app.t.databaseUrl, 'UPDATE auth_user SET is_active = true WHERE id = $1', [user.id]);
    const again = await refresh(app.t, pair.refresh);
    expect([again.status, again.body]).toEqual([401, BLACKLISTED]);
  });

  it('twenty concurrent replays of a rotated token: every one 401 blacklisted, one reuse detected, no 5xx', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    await sleep(1200);
    const before = await revokedFor(app.t, 'reuse');
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(app.t, first.refresh)));
    expect(answers.map((res) => [res.status, res.body])).toEqual(Array.from({ length: 20 }, () => [401, BLACKLISTED]));
    expect(await revokedFor(app.t, 'reuse')).toBe(before + 1);
    await expectEnded(app.t, second);
  });

  it('twenty concurrent refreshes of the live token: one successor, every caller gets that same pair', async () => {
    const first = await login(app.t, 'alice');
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(app.t, first.refresh)));
    expect(new Set(answers.map((res) => `${res.status} ${JSON.stringify(res.body)}`)).size).toBe(1);
    expect(answers[0].status).toBe(200);
    await rotate(app.t, answers[0].body.refresh);
  });

  it('a replay racing the rotation of the live token leaves no chain alive', async () => {
    const first = await login(app.t, 'alice');
    const second = await rotate(app.t, first.refresh);
    await sleep(1200);
    const [replay, live] = await Promise.all([refresh(app.t, first.refresh), refresh(app.t, second.refresh)]);
    expect([replay.status, replay.body]).toEqual([401, BLACKLISTED]);
    const survivor: Pair = live.status === 200 ? live.body : second;
    await expectEnded(app.t, survivor);
  });
});
