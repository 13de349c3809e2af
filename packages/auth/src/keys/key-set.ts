import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../auth.options.js';
import { SettingsError } from '../settings-error.js';
import { algorithmNames, impliedAlgorithm, jwsSigner, jwsVerifier, keyProblem, type JwsVerifier } from '../tokens/jose.js';
import { jwkThumbprint, publicJwk, type PublicJwk } from './jwk.js';
import type { KeyMaterial } from './key-material.js';

/** A key that verifies tokens of exactly one algorithm (under its names: EdDSA is also Ed25519). */
export interface VerifyingKey {
  readonly kid: string;
  readonly algorithm: Algorithm;
  /** What a token's `alg` may say for this key. */
  readonly names: readonly string[];
  readonly key: KeyObject;
  readonly verify: JwsVerifier;
}

/** The longest `kid` a token may carry: a thumbprint is 43 characters; longer ids are someone else's. */
export const MAX_KID_LENGTH = 256;

export function verifyingKey(key: KeyObject, algorithm: Algorithm, kid: string): VerifyingKey {
  return { kid, algorithm, names: algorithmNames(algorithm), key, verify: jwsVerifier(algorithm, key) };
}

/**
 * Every key the server holds: the one that signs now (its token header made once), and the
 * keys that verify, by kid: the current one and the previous and standby keys of
 * EXTRA_VERIFYING_KEYS. A token without a kid is checked against the current key only (so
 * SimpleJWT's tokens, which carry none, keep verifying); an unknown kid matches nothing.
 */
export class KeySet {
  readonly current: VerifyingKey;
  private readonly byKid = new Map<string, VerifyingKey>();
  private readonly headerSegment: string;
  private readonly signer: (input: string) => string;

  constructor(algorithm: Algorithm, signingKey: KeyObject, verifying: KeyObject, kid: string, extra: readonly KeyMaterial[]) {
    this.current = verifyingKey(verifying, algorithm, kid);
    this.byKid.set(kid, this.current);
    extra.forEach((material, index) => this.add(material, algorithm, index));
    this.signer = jwsSigner(algorithm, signingKey);
    // PyJWT's header members, in its (sorted) order.
    this.headerSegment = Buffer.from(JSON.stringify({ alg: algorithm, kid, typ: 'JWT' })).toString('base64url');
  }

  /** The compact JWS of `payload`, signed with the current key, its kid in the header. */
  sign(payload: object): string {
    const input = `${this.headerSegment}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${this.signer(input)}`;
  }

  /** The key a token's kid names; without a kid, the current key. */
  find(kid: string | undefined): VerifyingKey | undefined {
    return kid === undefined ? this.current : this.byKid.get(kid);
  }

  /** The public keys in use and on standby, as a JWKS (RFC 7517); secrets never appear. */
  publicJwks(): { keys: PublicJwk[] } {
    return {
      keys: [...this.byKid.values()]
        .filter((entry) => entry.key.type === 'public')
        .map((entry) => publicJwk(entry.key, entry.algorithm, entry.kid)),
    };
  }

  private add(material: KeyMaterial, configured: Algorithm, index: number): void {
    const setting = `EXTRA_VERIFYING_KEYS[${index}]`;
    const algorithm = material.algorithm ?? (keyProblem(configured, material.key) === null ? configured : impliedAlgorithm(material.key));
    if (algorithm === null) throw new SettingsError(setting, 'a key of a type no algorithm here verifies');
    const problem = keyProblem(algorithm, material.key);
    if (problem !== null) throw new SettingsError(setting, problem);
    const kid = material.kid ?? jwkThumbprint(material.key);
    const known = this.byKid.get(kid);
    if (known !== undefined) {
      // The same key listed twice (or the current one again) changes nothing; another key under the same kid would.
      if (known.key.equals(material.key) && known.algorithm === algorithm) return;
      throw new SettingsError(setting, `kid ${JSON.stringify(kid)} is already another key's`);
    }
    if (kid === '' || kid.length > MAX_KID_LENGTH) throw new SettingsError(setting, `a kid of 1 to ${MAX_KID_LENGTH} characters`);
    this.byKid.set(kid, verifyingKey(material.key, algorithm, kid));
  }
}
