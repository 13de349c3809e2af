import { createHash, pbkdf2, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import { verify as argon2Verify } from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number, options: ScryptOptions) => Promise<Buffer>;

/** Checks a password against one Django-format hash; throws MalformedHash where Django would raise. */
export type DjangoVerifier = (password: string, encoded: string) => Promise<boolean>;

/** A hash that Django could not read either (it raises, so no password ever matches it). */
export class MalformedHash extends Error {
  constructor(algorithm: string) {
    super(`malformed ${algorithm} hash`); // never the hash itself: messages reach logs
  }
}

// Costs beyond these would tie up a hashing thread (or its memory) for one login: no Django
// default comes near them (pbkdf2 1,000,000 in Django 5.2, bcrypt 12, argon2 100 MiB, scrypt 16 MiB).
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_BCRYPT_COST = 16;
const MAX_ARGON2_MEMORY_KIB = 262_144;
const MAX_ARGON2_PASSES = 64;
const MAX_SCRYPT_MEMORY = 128 * 1024 * 1024;

/** A positive decimal as Python's "%d" writes it: any other spelling never re-encodes equal. */
const COUNT = /^[1-9][0-9]{0,9}$/;

/**
 * Django's hashers (django/contrib/auth/hashers.py), by the algorithm name an encoded hash
 * starts with. Each recomputes the hash as Django's `verify` does and compares the whole encoded
 * string in constant time, so a hash matches here exactly when it matches in Django.
 */
export const DJANGO_HASHERS: ReadonlyMap<string, DjangoVerifier> = new Map<string, DjangoVerifier>([
  ['pbkdf2_sha256', (password, encoded) => checkPbkdf2(password, encoded, 'sha256', 32)],
  ['pbkdf2_sha1', (password, encoded) => checkPbkdf2(password, encoded, 'sha1', 20)],
  ['argon2', checkArgon2],
  ['bcrypt_sha256', (password, encoded) => checkBcrypt(sha256Hex(password), encoded, 'bcrypt_sha256')],
  ['bcrypt', (password, encoded) => checkBcrypt(Buffer.from(password, 'utf8'), encoded, 'bcrypt')],
  ['scrypt', checkScrypt],
]);

/** Django's identify_hasher: the text before the first `$` names the hasher. */
export function djangoVerifier(encoded: string): DjangoVerifier | undefined {
  const end = encoded.indexOf('$');
  return DJANGO_HASHERS.get(end < 0 ? encoded : encoded.slice(0, end));
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** PBKDF2PasswordHasher: `pbkdf2_sha256$<iterations>$<salt>$<base64 of the derived key>`. */
async function checkPbkdf2(password: string, encoded: string, digest: 'sha256' | 'sha1', keyLength: number): Promise<boolean> {
  const [algorithm, iterations, salt, hash] = splitDjango(encoded, 4);
  if (hash === undefined || !salt || !COUNT.test(iterations)) throw new MalformedHash(algorithm);
  const rounds = Number(iterations);
  if (rounds > MAX_PBKDF2_ITERATIONS) throw new MalformedHash(algorithm);
  const derived = await pbkdf2Async(password, salt, rounds, keyLength, digest);
  return sameString(encoded, `${algorithm}$${iterations}$${salt}$${derived.toString('base64')}`);
}

/** The PHC string libargon2 reads (argon2-cffi, which Django uses): id, i or d; v= is optional (0x10). */
const ARGON2 = /^\$argon2(?:id|i|d)\$(?:v=(?:16|19)\$)?m=([0-9]{1,10}),t=([0-9]{1,10}),p=([0-9]{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** Argon2PasswordHasher: `argon2` + the PHC string, checked by argon2's own verifier as Django does. */
async function checkArgon2(password: string, encoded: string): Promise<boolean> {
  const phc = encoded.slice('argon2'.length);
  const params = ARGON2.exec(phc);
  if (params === null || Number(params[1]) > MAX_ARGON2_MEMORY_KIB || Number(params[2]) > MAX_ARGON2_PASSES) {
    throw new MalformedHash('argon2');
  }
  return argon2Verify(phc, password);
}

/** The 60 characters bcrypt writes: prefix, cost, 22 characters of salt, 31 of checksum. */
const BCRYPT = /^\$(2[aby])\$([0-9]{2})\$([./A-Za-z0-9]{22})[./A-Za-z0-9]{31}$/;
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * BCryptPasswordHasher and BCryptSHA256PasswordHasher: `bcrypt$` or `bcrypt_sha256$` + bcrypt's
 * own string. Django (pyca/bcrypt) hashes again with the stored salt and compares the strings;
 * so does this, so a salt written non-canonically matches in neither.
 */
async function checkBcrypt(secret: Buffer, encoded: string, algorithm: string): Promise<boolean> {
  const stored = encoded.slice(algorithm.length + 1);
  const parts = BCRYPT.exec(stored);
  const cost = parts === null ? NaN : Number(parts[2]);
  // pyca/bcrypt refuses NUL bytes and costs outside 4..31; it reads the first 72 bytes only.
  if (parts === null || !(cost >= 4 && cost <= MAX_BCRYPT_COST) || secret.includes(0)) throw new MalformedHash(algorithm);
  const rehashed = await bcryptHash(secret.subarray(0, 72), cost, bcryptSalt(parts[3]));
  // bcrypt computes $2a$, $2b$ and $2y$ alike for 72 bytes or fewer; pyca/bcrypt keeps the stored prefix.
  return sameString(stored, `$${parts[1]}$${rehashed.slice(4)}`);
}

/** The 16 salt bytes in 22 characters of bcrypt's base64 (its last 4 bits unused). */
function bcryptSalt(text: string): Buffer {
  const salt = Buffer.alloc(16);
  let bits = 0;
  let buffer = 0;
  let at = 0;
  for (const char of text) {
    buffer = ((buffer << 6) | BCRYPT_ALPHABET.indexOf(char)) & 0xffff;
    bits += 6;
    if (bits >= 8 && at < 16) {
      bits -= 8;
      salt[at++] = (buffer >> bits) & 0xff;
    }
  }
  return salt;
}

/** BCryptSHA256PasswordHasher hashes the hex SHA-256 of the password, so no byte past 72 is lost. */
function sha256Hex(password: string): Buffer {
  return Buffer.from(createHash('sha256').update(password, 'utf8').digest('hex'), 'ascii');
}

/**
 * Django 4.x's ScryptPasswordHasher: `scrypt$<N>$<salt>$<r>$<p>$<base64 of 64 bytes>`. Django
 * leaves maxmem to OpenSSL's 32 MiB; a Django project may raise it, so this allows what the
 * parameters need, up to MAX_SCRYPT_MEMORY (OpenSSL's own rule: 128·r·(N + 2 + p) bytes).
 */
async function checkScrypt(password: string, encoded: string): Promise<boolean> {
  const fields = encoded.split('$');
  if (fields.length !== 6) throw new MalformedHash('scrypt');
  const [algorithm, n, salt, r, p] = fields;
  if (!salt || ![n, r, p].every((value) => COUNT.test(value))) throw new MalformedHash(algorithm);
  const [cost, blockSize, parallelism] = [Number(n), Number(r), Number(p)];
  const memory = 128 * blockSize * (cost + 2 + parallelism);
  const powerOfTwo = cost > 1 && (cost & (cost - 1)) === 0;
  if (!powerOfTwo || memory > MAX_SCRYPT_MEMORY || parallelism > 16) throw new MalformedHash(algorithm);
  const derived = await scryptAsync(password, salt, 64, { N: cost, r: blockSize, p: parallelism, maxmem: MAX_SCRYPT_MEMORY });
  return sameString(encoded, `${algorithm}$${n}$${salt}$${r}$${p}$${derived.toString('base64')}`);
}

/** Python's `encoded.split('$', parts - 1)`: the last part keeps any further `$`. */
function splitDjango(encoded: string, parts: number): string[] {
  const fields = encoded.split('$');
  return fields.length <= parts ? fields : [...fields.slice(0, parts - 1), fields.slice(parts - 1).join('$')];
}
