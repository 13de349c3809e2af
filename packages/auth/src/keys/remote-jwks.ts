import { createPublicKey } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ALGORITHMS, type Algorithm } from '../auth.options.js';
import { impliedAlgorithm, keyProblem } from '../tokens/jose.js';
import { MAX_KID_LENGTH, verifyingKey, type VerifyingKey } from './key-set.js';

export interface RemoteJwksOptions {
  readonly url: string;
  /** Seconds fetched keys are used before they are fetched again. */
  readonly cacheLifetime: number;
  /** Seconds: the least time between two fetches set off by unknown kids, or after a failure. */
  readonly refetchInterval: number;
  /** Seconds a fetch may take, body included. */
  readonly timeout: number;
}

/** A JWKS larger than this is refused: a few dozen keys are a few kilobytes. */
const MAX_JWKS_BYTES = 512 * 1024;

/**
 * The public keys of another issuer (SimpleJWT's JWK_URL, PyJWKClient's cache): fetched when
 * first needed, used for JWK_CACHE_LIFETIME, fetched again when a token names a kid they lack
 * (at most once per JWK_REFETCH_INTERVAL, so made-up kids cannot hammer the issuer), every
 * fetch bounded by JWK_TIMEOUT. Concurrent requests share one fetch. A key that cannot be had
 * is no key: the token is refused, never held up longer than the timeout.
 */
export class RemoteJwks {
  private readonly logger = new Logger('RemoteJwks');
  private keys = new Map<string, VerifyingKey>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private failedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;

  constructor(private readonly options: RemoteJwksOptions) {}

  /** The issuer's key named `kid`, or undefined when it has none (or cannot be reached). */
  async find(kid: string): Promise<VerifyingKey | undefined> {
    if (!this.fresh() || !this.keys.has(kid)) {
      const since = (at: number) => (performance.now() - at) / 1000;
      const due = this.fresh() ? since(this.attemptedAt) >= this.options.refetchInterval : since(this.failedAt) >= this.options.refetchInterval;
      if (this.inflight !== null) await this.inflight;
      else if (due) await (this.inflight = this.fetch().finally(() => (this.inflight = null)));
    }
    return this.fresh() ? this.keys.get(kid) : undefined;
  }

  private fresh(): boolean {
    return (performance.now() - this.fetchedAt) / 1000 < this.options.cacheLifetime;
  }

  private async fetch(): Promise<void> {
    this.attemptedAt = performance.now();
    try {
      const response = await fetch(this.options.url, {
        headers: { accept: 'application/jwk-set+json, application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeout * 1000),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      if (Number(response.headers.get('content-length') ?? 0) > MAX_JWKS_BYTES) throw new Error('answered a body too large');
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error('answered a body too large');
      this.keys = parseJwks(text);
      this.fetchedAt = performance.now();
    } catch (error) {
      this.failedAt = performance.now();
      this.logger.warn(`JWK_URL ${this.options.url} could not be used: ${(error as Error).message}`);
    }
  }
}

/**
 * The signing keys of a JWKS document, by kid: public RSA, EC and Ed25519 keys meant for
 * signatures, each with one algorithm (its `alg`, else the one its type implies). Symmetric
 * keys, keys without a kid and keys for encryption are left out; a document that is not a
 * JWKS is an error.
 */
export function parseJwks(text: string): Map<string, VerifyingKey> {
  const document = JSON.parse(text) as { keys?: unknown };
  if (typeof document !== 'object' || document === null || !Array.isArray(document.keys)) throw new Error('answered no JWKS');
  const keys = new Map<string, VerifyingKey>();
  for (const jwk of document.keys as Record<string, unknown>[]) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const { kid, kty, use, alg } = jwk;
    if (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH || keys.has(kid)) continue;
    if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') continue;
    if (use !== undefined && use !== 'sig') continue;
    let key;
    try {
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      continue;
    }
    const algorithm = alg === undefined ? impliedAlgorithm(key) : alg === 'Ed25519' ? 'EdDSA' : (alg as Algorithm);
    if (algorithm === null || !ALGORITHMS.includes(algorithm) || algorithm.startsWith('HS')) continue;
    if (keyProblem(algorithm, key) !== null) continue;
    keys.set(kid, verifyingKey(key, algorithm, kid));
  }
  return keys;
}
