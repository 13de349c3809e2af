import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { PasswordHasher } from './password-hasher.js';

/** test/fixtures/django/password-hashes.json, made by Django (scripts/django/make_password_hashes.py). */
interface Vectors {
  versions: Record<string, string>;
  vectors: Vector[];
  malformed: { note: string; password: string; encoded: string; django: boolean | 'error' }[];
}

interface Vector {
  hasher: string;
  variant: string;
  cost: 'low' | 'default' | 'project' | 'legacy';
  note: string;
  password: string;
  encoded: string;
  /** Django's check_password(password, encoded): true, false, or "error" where Django raises. */
  checks: { password: string; django: boolean | 'error' }[];
}

const fixture: Vectors = JSON.parse(readFileSync(new URL('../../test/fixtures/django/password-hashes.json', import.meta.url), 'utf8'));
const DJANGO_HASHERS = ['argon2', 'bcrypt', 'bcrypt_sha256', 'pbkdf2_sha1', 'pbkdf2_sha256', 'scrypt'];
const hashersAt = (cost: Vector['cost']) => [...new Set(fixture.vectors.filter((v) => v.cost === cost).map((v) => v.hasher))].sort();
const title = (v: Vector) => `${v.variant}, ${v.note}`;

/** Whether each candidate matches, here and in Django ("error" there is no match here). */
async function verdicts(hasher: PasswordHasher, vector: Vector) {
  const here = [];
  for (const { password } of vector.checks) here.push({ password, matches: await hasher.check(password, vector.encoded) });
  const django = vector.checks.map(({ password, django }) => ({ password, matches: django === true }));
  return { here, django };
}

describe('PasswordHasher and the hashes Django made (test/fixtures/django/password-hashes.json)', () => {
  const hasher = new PasswordHasher();

  it('has vectors from every Django hasher, at a low cost and at Django\'s default cost', () => {
    expect(fixture.versions.django).toBe('3.2.25');
    expect(hashersAt('low')).toEqual(DJANGO_HASHERS);
    expect(hashersAt('default')).toEqual(DJANGO_HASHERS);
    expect(fixture.vectors.filter((v) => v.cost === 'default')).toHaveLength(6);
  });

  it.each(fixture.vectors.filter((v) => v.cost !== 'default').map((v) => [title(v), v] as const))(
    'agrees with Django on every candidate: %s',
    async (_title, vector) => {
      const { here, django } = await verdicts(hasher, vector);
      expect(django[0]).toEqual({ password: vector.password, matches: true });
      expect(here).toEqual(django);
    },
  );

  it.each(fixture.vectors.filter((v) => v.cost === 'default').map((v) => [v.variant, v] as const))(
    'checks a hash at Django\'s default cost: %s',
    async (_variant, vector) => {
      const { here, django } = await verdicts(hasher, vector);
      expect(django.map((d) => d.matches)).toEqual([true, false]);
      expect(here).toEqual(django);
    },
  );

  it('lets bcrypt read only the first 72 bytes, as Django\'s bcrypt hasher does, and bcrypt_sha256 read all', async () => {
    const long = 'correct horse battery staple '.repeat(3);
    const first72 = Buffer.from(long).subarray(0, 72).toString();
    const [bcrypt, sha256] = ['bcrypt', 'bcrypt_sha256'].map((name) =>
      fixture.vectors.find((v) => v.hasher === name && v.cost === 'low' && v.password === long)!,
    );
    await expect(hasher.check(first72 + ' but a different tail', bcrypt.encoded)).resolves.toBe(true);
    await expect(hasher.check(first72 + ' but a different tail', sha256.encoded)).resolves.toBe(false);
    await expect(hasher.check(long, sha256.encoded)).resolves.toBe(true);
  });

  it('never matches a bcrypt hash with a password holding a NUL byte (pyca/bcrypt refuses them)', async () => {
    const vector = fixture.vectors.find((v) => v.variant === 'bcrypt, 4 rounds' && v.password === 'correct horse battery staple')!;
    expect(vector.checks.find((c) => c.password === vector.password + '\0')?.django).toBe('error');
    await expect(hasher.check(vector.password + '\0', vector.encoded)).resolves.toBe(false);
  });

  it.each(fixture.malformed.map((m) => [m.note, m] as const))('says no, without throwing, to a hash Django rejects: %s', async (_note, malformed) => {
    expect(malformed.django).not.toBe(true);
    await expect(hasher.check(malformed.password, malformed.encoded)).resolves.toBe(false);
  });

  it('asks to rehash every Django hash but an argon2id one with this project\'s parameters', () => {
    const keep = fixture.vectors.filter((v) => !hasher.needsRehash(v.encoded)).map((v) => v.variant);
    expect(keep).toEqual(['argon2id, t=2 m=19456 p=1 (this project\'s own parameters)']);
    expect(fixture.vectors).toHaveLength(86);
  });
});
