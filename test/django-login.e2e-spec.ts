import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DjangoUserImport } from '../src/users/django-import.js';
import { dropDatabases, sql } from './support/database.js';
import { ALICE_VIEW, DJANGO, DUMPDATA } from './support/django.js';
import { bearer, decode, startApp, type TestApp } from './support/test-app.js';

const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
const ARGON2ID_HERE = /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

/** Users of the Django fixture who can log in: a usable password and is_active. */
const active = DJANGO.users.filter((u) => u.password !== null && u.is_active).map((u) => [u.username, u.hasher, u] as const);

describe('Users imported from Django log in through POST /api/token/ with their Django passwords', () => {
  let t: TestApp;

  // The app signs with the key the Django project used, so the tokens SimpleJWT issued verify here.
  beforeAll(async () => {
    // SimpleJWT's settings, key and lifetimes: a token longer-lived than this server's lifetimes is refused.
    t = await startApp({
      JWT_SIGNING_KEY: DJANGO.simple_jwt.SIGNING_KEY,
      JWT_ACCESS_TOKEN_LIFETIME: String(DJANGO.simple_jwt.ACCESS_TOKEN_LIFETIME_SECONDS),
      JWT_REFRESH_TOKEN_LIFETIME: String(DJANGO.simple_jwt.REFRESH_TOKEN_LIFETIME_SECONDS),
    });
    await t.app.get(DjangoUserImport).fromDumpdata(DUMPDATA);
  });
  afterAll(async () => {
    await t?.close();
    await dropDatabases();
  });

  const storedHash = async (username: string) =>
    (await sql<{ password: string }>(t.databaseUrl, 'SELECT password FROM auth_user WHERE username = $1', [username]))[0].password;
  const obtain = (username: string, password: string) => t.http().post('/api/token/').send({ username, password });

  it('has users of every Django hasher to log in', () => {
    expect(active.map(([username, hasher]) => `${username}:${hasher}`)).toEqual([
      'alice:pbkdf2_sha256', 'bob:pbkdf2_sha1', 'carol:argon2', 'dave:bcrypt_sha256', 'erin:bcrypt', 'frank:scrypt', 'heidi:argon2', 'zoë.ünal@example:pbkdf2_sha256',
    ]);
  });

  it.each(active)('refuses %s (%s) a wrong password with 401 and the contract body, keeping the Django hash', async (username, _hasher, user) => {
    const before = await storedHash(username);
    const res = await obtain(username, user.password + ' '); // never trimmed
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NO_ACCOUNT);
    expect(await storedHash(username)).toBe(before);
  });

  it('refuses dave\'s password cut to its first 72 bytes: bcrypt_sha256 reads all of it', async () => {
    const dave = DJANGO.users.find((u) => u.username === 'dave')!;
    expect(Buffer.byteLength(dave.password!)).toBeGreaterThan(72);
    const res = await obtain('dave', Buffer.from(dave.password!).subarray(0, 72).toString());
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NO_ACCOUNT);
  });

  it.each(active)('gives %s (%s) a token pair for the password Django knew, and upgrades the hash to argon2id', async (username, hasher, user) => {
    const before = await storedHash(username);
    expect(before.startsWith(`${hasher}$`)).toBe(true);
    const res = await obtain(username, user.password!);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access', 'refresh']);
    expect(decode(res.body.access).payload).toMatchObject({ token_type: 'access', user_id: user.id });
    expect(decode(res.body.refresh).payload).toMatchObject({ token_type: 'refresh', user_id: user.id });
    const after = await storedHash(username);
    expect(after).toMatch(ARGON2ID_HERE);
    expect((await obtain(username, user.password!)).status).toBe(200);
    expect(await storedHash(username)).toBe(after); // not rehashed again
  });

  it('refuses an inactive user (grace) with 401 even with the right password', async () => {
    const grace = DJANGO.users.find((u) => u.username === 'grace')!;
    expect(grace.is_active).toBe(false);
    const res = await obtain('grace', grace.password!);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NO_ACCOUNT);
  });

  it('refuses a user whose password Django made unusable (ivan)', async () => {
    expect(await storedHash('ivan')).toMatch(/^!/);
    for (const password of ['anything', await storedHash('ivan')]) {
      const res = await obtain('ivan', password);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NO_ACCOUNT);
    }
  });

  it('accepts an access token SimpleJWT issued in Django for the same user', async () => {
    const issued = DJANGO.access_tokens.find((a) => a.username === 'alice')!;
    expect(decode(issued.token).payload).toMatchObject({ token_type: 'access', user_id: 1, jti: issued.jti });
    const res = await t.http().get('/api/me/').set(bearer(issued.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ALICE_VIEW);
  });
});
