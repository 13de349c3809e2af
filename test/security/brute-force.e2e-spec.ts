// Brute force and enumeration: guessing passwords of one account (locked per username and
// address after 10 failures, as Auth0 does), spraying one password over many accounts (locked
// per address after 100), and telling real usernames from unknown ones by the answer or its time.
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import type { TestApp } from '../support/test-app.js';
import { createUser } from '../support/test-app.js';
import { dropDatabases } from '../support/database.js';
import { appWith } from './forge.js';

const PASSWORD = 'correct horse';
const WRONG = 'wrong horse';
const BAD_CREDENTIALS = { detail: 'No active account found with the given credentials' };
const locked = (seconds: number) => ({ detail: `Too many failed login attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, code: 'login_locked' });

/** A login from `address`: every app here trusts one proxy (NUM_PROXIES=1), so X-Forwarded-For names the client. */
const login = (t: TestApp, address: string, username: string, password: string, path = '/api/token/') =>
  t.http().post(path).set('X-Forwarded-For', address).send({ username, password });

/** `n` wrong passwords in turn, each answered 401 in SimpleJWT's words. */
async function fail(t: TestApp, address: string, username: string, n: number, password = WRONG): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await login(t, address, username, password);
    expect([res.status, res.body]).toEqual([401, BAD_CREDENTIALS]);
  }
}

/** The answer a locked login gets, as [status, body, Retry-After, WWW-Authenticate]. */
async function lockedAnswer(t: TestApp, address: string, username: string, password = WRONG, path?: string) {
  const res = await login(t, address, username, password, path);
  return [res.status, res.body, res.headers['retry-after'], res.headers['www-authenticate']];
}

/** A refusal of a lock set a moment ago: the wait is the cooloff, or a second less. */
async function expectLocked(t: TestApp, address: string, username: string, password = WRONG, path?: string): Promise<void> {
  const [status, body, retryAfter, challenge] = await lockedAnswer(t, address, username, password, path);
  expect(['900', '899']).toContain(retryAfter);
  expect([status, body, challenge]).toEqual([429, locked(Number(retryAfter)), undefined]);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
};

afterAll(async () => {
  await dropDatabases();
});

describe('security: brute force on one account (LOGIN_FAILURE_LIMIT=10 per username and address)', () => {
  const app = appWith({ NUM_PROXIES: '1', JWT_SLIDING_TOKENS: 'true' });

  it('the tenth wrong password is answered 429 with the whole cooloff: exact body and Retry-After, no WWW-Authenticate', async () => {
    await fail(app.t, '192.0.2.1', 'alice', 9);
    expect(await lockedAnswer(app.t, '192.0.2.1', 'alice')).toEqual([429, locked(900), '900', undefined]);
  });

  it('a locked pair is refused without its password being checked: the right password too, the user store never asked', async () => {
    const authenticate = jest.spyOn(app.t.users, 'authenticate');
    try {
      await expectLocked(app.t, '192.0.2.1', 'alice', PASSWORD);
      await expectLocked(app.t, '192.0.2.1', 'alice', WRONG);
      expect(authenticate).not.toHaveBeenCalled();
    } finally {
      authenticate.mockRestore();
    }
  });

  it('sliding-token logins share the lock (JWT_SLIDING_TOKENS=true)', async () => {
    await expectLocked(app.t, '192.0.2.1', 'alice', PASSWORD, '/api/token/sliding/');
    await fail(app.t, '192.0.2.2', 'alice', 9);
    await expectLocked(app.t, '192.0.2.2', 'alice', WRONG, '/api/token/sliding/');
  });

  it('the owner logs in from another address while the pair is locked', async () => {
    const res = await login(app.t, '198.51.100.1', 'alice', PASSWORD);
    expect([res.status, Object.keys(res.body)]).toEqual([200, ['refresh', 'access']]);
  });

  it('another username from the locked address is not locked by the pair', async () => {
    await createUser(app.t, { username: 'bob' });
    await fail(app.t, '192.0.2.1', 'bob', 1);
    expect((await login(app.t, '192.0.2.1', 'bob', PASSWORD)).status).toBe(200);
  });

  it('a locked login is still validated first: a missing password is a 400, not a 429', async () => {
    const res = await app.t.http().post('/api/token/').set('X-Forwarded-For', '192.0.2.1').send({ username: 'alice' });
    expect([res.status, res.body]).toEqual([400, { password: ['This field is required.'] }]);
  });

  it("a lock stops logins only: the locked user's tokens keep refreshing and authenticating", async () => {
    const pair = (await login(app.t, '198.51.100.1', 'alice', PASSWORD)).body;
    await fail(app.t, '198.51.100.1', 'alice', 9);
    await expectLocked(app.t, '198.51.100.1', 'alice');
    const refreshed = await app.t.http().post('/api/token/refresh/').set('X-Forwarded-For', '198.51.100.1').send({ refresh: pair.refresh });
    expect([refreshed.status, Object.keys(refreshed.body)]).toEqual([200, ['access', 'refresh']]);
    const me = await app.t.http().get('/api/me/').set('Authorization', `Bearer ${refreshed.body.access}`);
    expect([me.status, me.body.username]).toEqual([200, 'alice']);
  });

  it('a success resets the pair: nine failures, a success, nine more are all 401; the tenth after the success locks', async () => {
    await fail(app.t, '192.0.2.3', 'alice', 9);
    expect((await login(app.t, '192.0.2.3', 'alice', PASSWORD)).status).toBe(200);
    await fail(app.t, '192.0.2.3', 'alice', 9);
    expect(await lockedAnswer(app.t, '192.0.2.3', 'alice')).toEqual([429, locked(900), '900', undefined]);
  });

  it('unknown usernames are counted like real ones: the tenth failure for a name nobody has locks it alike', async () => {
    await fail(app.t, '192.0.2.4', 'nobody', 9);
    expect(await lockedAnswer(app.t, '192.0.2.4', 'nobody')).toEqual([429, locked(900), '900', undefined]);
  });

  it("an inactive user's refused logins count too, the right password included", async () => {
    await createUser(app.t, { username: 'gone', isActive: false });
    await fail(app.t, '192.0.2.5', 'gone', 9, PASSWORD);
    expect(await lockedAnswer(app.t, '192.0.2.5', 'gone', PASSWORD)).toEqual([429, locked(900), '900', undefined]);
  });

  it('usernames count as a login takes them, trimmed: " alice " and "alice" are one pair', async () => {
    await fail(app.t, '192.0.2.6', ' alice ', 5);
    await fail(app.t, '192.0.2.6', 'alice', 4);
    expect((await lockedAnswer(app.t, '192.0.2.6', '\talice'))[0]).toBe(429);
  });

  it("usernames count case-sensitively, as Django's do: ten failures of 'ALICE' do not lock 'alice'", async () => {
    await fail(app.t, '192.0.2.7', 'ALICE', 9);
    expect((await lockedAnswer(app.t, '192.0.2.7', 'ALICE'))[0]).toBe(429);
    expect((await login(app.t, '192.0.2.7', 'alice', PASSWORD)).status).toBe(200);
  });

  it('a username of 10,000 characters is counted and locked like any other, never a 500', async () => {
    const long = 'a'.repeat(10_000);
    await fail(app.t, '192.0.2.8', long, 9);
    expect(await lockedAnswer(app.t, '192.0.2.8', long)).toEqual([429, locked(900), '900', undefined]);
    // Another name of the same length is a pair of its own.
    await fail(app.t, '192.0.2.8', `${long}b`, 1);
  });

  it('an "address" of 300 characters from the proxy is counted (as its first 64), and logs in from elsewhere work: never a 500', async () => {
    const address = `2001:db8::${'f'.repeat(290)}`;
    expect((await login(app.t, `${address}0`, 'bob', PASSWORD)).status).toBe(200);
    await fail(app.t, address, 'alice', 9);
    expect(await lockedAnswer(app.t, `${address.slice(0, 64)}-and-more`, 'alice')).toEqual([429, locked(900), '900', undefined]);
  });

  it('while locked, every answer names the same wait in its body and its Retry-After', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => lockedAnswer(app.t, '192.0.2.1', 'alice')));
    for (const [status, body, retryAfter] of answers) expect([status, body]).toEqual([429, locked(Number(retryAfter))]);
  });
});

describe('security: enumeration (an unknown username and a wrong password look alike)', () => {
  const app = appWith({ NUM_PROXIES: '1' });

  it('answer the same status, body and headers', async () => {
    const unknown = await login(app.t, '192.0.2.10', 'nobody-here', WRONG);
    const wrong = await login(app.t, '192.0.2.11', 'alice', WRONG);
    const shape = (res: typeof unknown) => [res.status, res.body, res.headers['www-authenticate'], res.headers['content-type'], Object.keys(res.headers).sort()];
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(shape(wrong).slice(0, 3)).toEqual([401, BAD_CREDENTIALS, 'Bearer realm="api"']);
  });

  it('take the same time: medians of 30 each, interleaved, within half the cost of a password hash', async () => {
    const time = async (address: string, username: string, password: string, expected: number) => {
      const start = process.hrtime.bigint();
      const res = await login(app.t, address, username, password);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      expect(res.status).toBe(expected);
      return ms;
    };
    // Warm-up: the store hashes its dummy password on the first unknown username.
    for (let i = 0; i < 3; i++) {
      await time(`10.1.0.${i}`, 'ghost', WRONG, 401);
      await time(`10.2.0.${i}`, 'alice', WRONG, 401);
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    const unhashed: number[] = [];
    // Each from an address of its own, so no lock interferes; the order alternates so drift affects both alike.
    for (let i = 0; i < 30; i++) {
      const pairs: [number[], () => Promise<number>][] = [
        [unknown, () => time(`10.3.${i}.1`, `ghost-${i}`, WRONG, 401)],
        [wrong, () => time(`10.3.${i}.2`, 'alice', WRONG, 401)],
      ];
      if (i % 2 === 1) pairs.reverse();
      for (const [into, run] of pairs) into.push(await run());
      // What a login costs with no hash at all: refused before the store (a blank password).
      unhashed.push(await time(`10.3.${i}.3`, 'alice', '', 400));
    }
    const [mUnknown, mWrong, mUnhashed] = [median(unknown), median(wrong), median(unhashed)];
    const hash = mWrong - mUnhashed;
    process.stdout.write(
      `login timing (ms, medians of 30): unknown user ${mUnknown.toFixed(1)}, wrong password ${mWrong.toFixed(1)}, ` +
        `no hash ${mUnhashed.toFixed(1)}; difference ${(mUnknown - mWrong).toFixed(1)}, tolerance ${(hash / 2).toFixed(1)}\n`,
    );
    // The hash is most of a login, so skipping it for unknown users would move their median by
    // the whole hash: half of it is a bound such a leak cannot meet, and noise on a shared machine does.
    expect(hash).toBeGreaterThan(5);
    expect(Math.abs(mUnknown - mWrong)).toBeLessThan(hash / 2);
  }, 120_000);
});

describe('security: password spraying (LOGIN_FAILURE_LIMIT_PER_ADDRESS=5)', () => {
  const app = appWith({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT_PER_ADDRESS: '5' });

  it('one wrong password on five usernames locks the address: the fifth is answered 429 with the cooloff', async () => {
    for (const username of ['u1', 'u2', 'u3', 'u4']) await fail(app.t, '192.0.2.20', username, 1);
    expect(await lockedAnswer(app.t, '192.0.2.20', 'u5')).toEqual([429, locked(900), '900', undefined]);
  });

  it('every username from the locked address is refused unchecked, the right password of a real user included', async () => {
    const authenticate = jest.spyOn(app.t.users, 'authenticate');
    try {
      await expectLocked(app.t, '192.0.2.20', 'u6');
      await expectLocked(app.t, '192.0.2.20', 'alice', PASSWORD);
      expect(authenticate).not.toHaveBeenCalled();
    } finally {
      authenticate.mockRestore();
    }
  });

  it('another address is not locked by it', async () => {
    expect((await login(app.t, '192.0.2.21', 'alice', PASSWORD)).status).toBe(200);
    await fail(app.t, '192.0.2.21', 'u6', 1);
  });

  it("a success does not reset the address's count: logging into one's own account does not hide a spray", async () => {
    for (const username of ['v1', 'v2']) await fail(app.t, '192.0.2.22', username, 1);
    expect((await login(app.t, '192.0.2.22', 'alice', PASSWORD)).status).toBe(200);
    for (const username of ['v3', 'v4']) await fail(app.t, '192.0.2.22', username, 1);
    expect(await lockedAnswer(app.t, '192.0.2.22', 'v5')).toEqual([429, locked(900), '900', undefined]);
  });
});

describe('security: the client address cannot be forged, and throttling does not matter (NUM_PROXIES=0, THROTTLE_RATES on)', () => {
  const app = appWith({ THROTTLE_RATES: 'anon=1000/minute,token=1000/minute' });

  it('a forged X-Forwarded-For on each attempt does not dodge the lock: the socket address counts', async () => {
    for (let i = 0; i < 9; i++) {
      const res = await login(app.t, `203.0.113.${i}`, 'alice', WRONG);
      expect([res.status, res.body]).toEqual([401, BAD_CREDENTIALS]);
    }
    expect(await lockedAnswer(app.t, '203.0.113.99', 'alice')).toEqual([429, locked(900), '900', undefined]);
  });
});
