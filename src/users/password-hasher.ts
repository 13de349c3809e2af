import { availableParallelism } from 'node:os';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { djangoVerifier } from './django-hashers.js';

/** OWASP's argon2id parameters: 19 MiB of memory, 2 passes, 1 lane. */
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const CURRENT = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

/**
 * At most `limit` operations at once; the rest wait their turn in order. Hashing runs on libuv's
 * threads, but a login flood on every core at once would still starve the event loop of CPU
 * (measured: GET p99 5.9x during a flood, 2.1x with one hash at a time on 2 cores).
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** One core is left to the event loop. */
export const HASHING_CONCURRENCY = Math.max(1, availableParallelism() - 1);

/**
 * Password hashes in Django's formats, so users can move between the two systems: new hashes
 * are `argon2$argon2id$...` (Django's Argon2PasswordHasher reads them); a hash from any of
 * Django's hashers (pbkdf2_sha256, pbkdf2_sha1, argon2, bcrypt_sha256, bcrypt, scrypt) is
 * checked as Django checks it and upgraded on the next login. Hashing runs on libuv's thread
 * pool, never on the event loop, and HASHING_CONCURRENCY at a time.
 */
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(private readonly slots: Semaphore = new Semaphore(HASHING_CONCURRENCY)) {}

  async hash(password: string): Promise<string> {
    return 'argon2' + (await this.slots.run(() => hash(password, { algorithm: Algorithm.Argon2id, ...ARGON2_PARAMS })));
  }

  /**
   * Never throws: an unusable (`!...`), unknown or malformed hash matches no password, and
   * costs one dummy hash as in Django's check_password, so timing does not tell it apart.
   */
  async check(password: string, encoded: string): Promise<boolean> {
    const verifier = djangoVerifier(encoded);
    if (verifier !== undefined) {
      try {
        return await this.slots.run(() => verifier(password, encoded));
      } catch {
        // Django raises on these; a login simply fails.
      }
    }
    await this.checkDummy(password);
    return false;
  }

  /** Whether a hash should be replaced by a fresh one (other algorithm or parameters). */
  needsRehash(encoded: string): boolean {
    return !encoded.startsWith('argon2' + CURRENT);
  }

  /** Costs what a real check costs, for unknown usernames, so timing reveals nothing. */
  async checkDummy(password: string): Promise<void> {
    this.dummy ??= this.hash('dummy password that matches nothing');
    const dummy = (await this.dummy).slice('argon2'.length);
    await this.slots.run(() => verify(dummy, password)).catch(() => false);
  }
}
