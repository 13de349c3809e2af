import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import { ARGON2_PARAMS, PasswordHasher } from './password-hasher.js';

/** Django's PBKDF2PasswordHasher.encode, computed here independently of the code under test. */
function djangoPbkdf2(password: string, salt: string, iterations: number): string {
  const digest = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${digest}`;
}

/** Django's Argon2PasswordHasher output with OWASP's parameters: argon2 + the PHC string. */
const ARGON2_FORMAT = /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('uses the OWASP argon2id parameters', () => {
    expect(ARGON2_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('hashes into Django\'s argon2 format, with a fresh salt each time', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(ARGON2_FORMAT);
    expect(second).toMatch(ARGON2_FORMAT);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
    expect(first.length).toBeLessThanOrEqual(128); // auth_user.password is varchar(128)
  });

  it('checks an argon2 hash: the password matches, another does not', async () => {
    const encoded = await hasher.hash(' spaced pass ');
    await expect(hasher.check(' spaced pass ', encoded)).resolves.toBe(true);
    await expect(hasher.check('spaced pass', encoded)).resolves.toBe(false);
    await expect(hasher.check('', encoded)).resolves.toBe(false);
  });

  it('handles non-ASCII passwords', async () => {
    const encoded = await hasher.hash('lètmein 🔑');
    await expect(hasher.check('lètmein 🔑', encoded)).resolves.toBe(true);
    await expect(hasher.check('letmein 🔑', encoded)).resolves.toBe(false);
  });

  it('checks a Django pbkdf2_sha256 hash computed independently', async () => {
    const encoded = djangoPbkdf2('lètmein', 'seasalt', 1000);
    await expect(hasher.check('lètmein', encoded)).resolves.toBe(true);
    await expect(hasher.check('letmein', encoded)).resolves.toBe(false);
    await expect(hasher.check('', encoded)).resolves.toBe(false);
  });

  it('checks pbkdf2 with the iteration count and salt the hash names', async () => {
    const salt = randomBytes(12).toString('base64url');
    const encoded = djangoPbkdf2('correct horse', salt, 1234);
    await expect(hasher.check('correct horse', encoded)).resolves.toBe(true);
    await expect(hasher.check('correct horse', encoded.replace('$1234$', '$1233$'))).resolves.toBe(false);
    await expect(hasher.check('correct horse', encoded.replace(`$${salt}$`, `$${salt}x$`))).resolves.toBe(false);
  });

  it.each([
    ['a non-numeric iteration count', 'pbkdf2_sha256$abc$salt$AAAA'],
    ['zero iterations', 'pbkdf2_sha256$0$salt$AAAA'],
    ['a missing salt', 'pbkdf2_sha256$1000$$AAAA'],
    ['a missing digest', 'pbkdf2_sha256$1000$salt$'],
    ['a truncated hash', 'pbkdf2_sha256$1000'],
  ])('rejects a malformed pbkdf2 hash (%s) without throwing', async (_case, encoded) => {
    await expect(hasher.check('anything', encoded)).resolves.toBe(false);
  });

  it('rejects a malformed argon2 hash without throwing', async () => {
    await expect(hasher.check('anything', 'argon2$argon2id$garbage')).resolves.toBe(false);
  });

  it.each([
    ['an unusable password', '!abc', '!abc'],
    ['an unusable password (Django makes them 40 chars long)', 'x', '!' + 'x'.repeat(40)],
    ['an empty hash', '', ''],
    ['a plaintext "hash"', 'secret', 'secret'],
    ['an unknown algorithm', 'secret', 'md5$salt$5ebe2294ecd0e0f08eab7690d2a6ee69'],
    ['argon2 without the Django prefix', 'secret', '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG'],
  ])('never matches %s', async (_case, password, encoded) => {
    await expect(hasher.check(password, encoded)).resolves.toBe(false);
  });

  it('never matches the raw PHC string of a real argon2id hash (the Django prefix is required)', async () => {
    const encoded = await hasher.hash('secret');
    await expect(hasher.check('secret', encoded.slice('argon2'.length))).resolves.toBe(false);
  });

  it('does not ask to rehash a fresh hash', async () => {
    expect(hasher.needsRehash(await hasher.hash('correct horse'))).toBe(false);
  });

  it('asks to rehash pbkdf2 hashes and argon2 hashes with other parameters', async () => {
    expect(hasher.needsRehash(djangoPbkdf2('correct horse', 'seasalt', 1000))).toBe(true);
    const weaker = 'argon2' + (await argon2Hash('correct horse', { algorithm: Algorithm.Argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 }));
    expect(weaker).toMatch(/^argon2\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    await expect(hasher.check('correct horse', weaker)).resolves.toBe(true);
    expect(hasher.needsRehash(weaker)).toBe(true);
  });

  it('checkDummy resolves, whatever the password, and again on later calls', async () => {
    await expect(hasher.checkDummy('correct horse')).resolves.toBeUndefined();
    await expect(hasher.checkDummy('')).resolves.toBeUndefined();
    await expect(new PasswordHasher().checkDummy('dummy password that matches nothing')).resolves.toBeUndefined();
  });
});
