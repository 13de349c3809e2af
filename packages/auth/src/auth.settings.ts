import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  ALGORITHMS,
  AUTHENTICATION_CLASSES,
  SIMPLE_JWT_DEFAULTS,
  TOKEN_CLASSES,
  type Algorithm,
  type AuthenticationClass,
  type AuthModuleOptions,
  type AuthTokenClass,
  type Duration,
  type SimpleJwtSettings,
} from './auth.options.js';
import { jwkThumbprint } from './keys/jwk.js';
import { extraKeyMaterial, privateKey, publicKey, secretKey } from './keys/key-material.js';
import { KeySet, MAX_KID_LENGTH } from './keys/key-set.js';
import { SettingsError } from './settings-error.js';
import { parseRate, type ThrottleRates } from './throttling/throttle-rates.js';
import { describeKey, jwsSigner, jwsVerifier, keyProblem } from './tokens/jose.js';

/** Injection token of the resolved settings (SimpleJWT's `api_settings`). */
export const SIMPLE_JWT = Symbol('SIMPLE_JWT');

/** The settings with every value checked and turned into the form the code uses. */
export interface ResolvedSettings {
  readonly ACCESS_TOKEN_LIFETIME: number;
  readonly REFRESH_TOKEN_LIFETIME: number;
  readonly ROTATE_REFRESH_TOKENS: boolean;
  readonly BLACKLIST_AFTER_ROTATION: boolean;
  readonly UPDATE_LAST_LOGIN: boolean;
  readonly ALGORITHM: Algorithm;
  /** Signs: the secret for HMAC, the private key otherwise. */
  readonly SIGNING_KEY: KeyObject;
  /** Verifies: the secret for HMAC, the public key otherwise. */
  readonly VERIFYING_KEY: KeyObject;
  /** The signing key with its kid, and every key that verifies (current, previous, standby). */
  readonly KEYS: KeySet;
  /** '' when none. */
  readonly JWK_URL: string;
  readonly JWK_CACHE_LIFETIME: number;
  readonly JWK_REFETCH_INTERVAL: number;
  readonly JWK_TIMEOUT: number;
  readonly JWKS_MAX_AGE: number;
  readonly AUDIENCE: string;
  readonly ISSUER: string;
  readonly LEEWAY: number;
  readonly AUTH_HEADER_TYPES: readonly string[];
  /** Lower-cased HTTP header name, e.g. `authorization`. */
  readonly AUTH_HEADER_NAME: string;
  readonly AUTHENTICATION_CLASS: AuthenticationClass;
  readonly USER_ID_FIELD: string;
  readonly USER_ID_CLAIM: string;
  readonly AUTH_TOKEN_CLASSES: readonly AuthTokenClass[];
  readonly TOKEN_TYPE_CLAIM: string;
  readonly JTI_CLAIM: string;
  readonly SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  readonly SLIDING_TOKEN_LIFETIME: number;
  readonly SLIDING_TOKEN_REFRESH_LIFETIME: number;
  readonly REFRESH_TOKEN_REUSE_GRACE: number;
  readonly SESSION_LIFETIME: number;
  readonly DEFAULT_THROTTLE_RATES: ThrottleRates;
  readonly NUM_PROXIES: number;
}

export { SettingsError };

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds from `900`, `'900'`, `'90s'`, `'15m'`, `'12h'` or `'7d'`. */
export function parseDuration(value: Duration, setting = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(value);
    if (match) return Number(match[1]) * UNITS[match[2] || 's'];
  }
  throw new SettingsError(setting, `expected seconds or a duration such as 90s, 15m, 12h or 7d, got ${JSON.stringify(value)}`);
}

/** `HTTP_X_ACCESS_TOKEN` (Django's META name) or `X-Access-Token` become `x-access-token`. */
export function headerName(name: string): string {
  const plain = name.startsWith('HTTP_') ? name.slice(5).replace(/_/g, '-') : name;
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(plain)) {
    throw new SettingsError('AUTH_HEADER_NAME', `not a header name: ${JSON.stringify(name)}`);
  }
  return plain.toLowerCase();
}

function keys(s: Pick<SimpleJwtSettings, 'ALGORITHM' | 'SIGNING_KEY' | 'VERIFYING_KEY' | 'KEY_ID' | 'EXTRA_VERIFYING_KEYS'>) {
  const algorithm = s.ALGORITHM;
  let signing: KeyObject;
  let verifying: KeyObject;
  if (algorithm.startsWith('HS')) {
    signing = verifying = secretKey(s.SIGNING_KEY, 'SIGNING_KEY');
  } else {
    signing = privateKey(s.SIGNING_KEY, 'SIGNING_KEY', algorithm);
    verifying = s.VERIFYING_KEY ? publicKey(s.VERIFYING_KEY, 'VERIFYING_KEY', algorithm) : createPublicKey(signing);
  }
  const problem = keyProblem(algorithm, signing);
  if (problem !== null) throw new SettingsError('SIGNING_KEY', problem);
  checkPair(algorithm, signing, verifying);
  if (typeof s.KEY_ID !== 'string' || s.KEY_ID.length > MAX_KID_LENGTH) throw new SettingsError('KEY_ID', `expected at most ${MAX_KID_LENGTH} characters`);
  const kid = s.KEY_ID || jwkThumbprint(verifying);
  const extra = extraKeyMaterial(s.EXTRA_VERIFYING_KEYS ?? '');
  return { SIGNING_KEY: signing, VERIFYING_KEY: verifying, KEYS: new KeySet(algorithm, signing, verifying, kid, extra) };
}

/**
 * Signs and verifies once, at start: a key of the wrong kind for the algorithm (an EC key for
 * RS256, a P-384 key for ES256) or a public key of another pair would otherwise pass, and fail
 * every login later.
 */
function checkPair(algorithm: Algorithm, signing: KeyObject, verifying: KeyObject): void {
  const input = 'eyJhbGciOiJub25lIn0.eyJjaGVjayI6dHJ1ZX0';
  let signature: string;
  try {
    signature = jwsSigner(algorithm, signing)(input);
  } catch (error) {
    throw new SettingsError('SIGNING_KEY', `cannot sign ${algorithm} with this ${describeKey(signing)} key (${(error as Error).message})`);
  }
  if (keyProblem(algorithm, verifying) !== null || !jwsVerifier(algorithm, verifying)(input, signature)) {
    throw new SettingsError('VERIFYING_KEY', `does not verify what SIGNING_KEY signs (${describeKey(verifying)} key)`);
  }
}

function jwkUrl(value: string): string {
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError('JWK_URL', `not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SettingsError('JWK_URL', 'expected an http or https URL');
  return url.toString();
}

function nonEmpty(setting: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SettingsError(setting, 'may not be empty');
  return value;
}

/** Checks every setting and fills in the defaults; throws a SettingsError naming the first bad one. */
export function resolveSettings(options: Partial<AuthModuleOptions>): ResolvedSettings {
  const s = { ...SIMPLE_JWT_DEFAULTS, ...stripUndefined(options) };
  if (!ALGORITHMS.includes(s.ALGORITHM)) {
    throw new SettingsError('ALGORITHM', `expected one of ${ALGORITHMS.join(', ')}, got ${JSON.stringify(s.ALGORITHM)}`);
  }
  if (s.SIGNING_KEY === undefined || s.SIGNING_KEY === '') {
    throw new SettingsError('SIGNING_KEY', 'is required');
  }
  const headerTypes = [...s.AUTH_HEADER_TYPES];
  if (headerTypes.length === 0 || headerTypes.some((t) => !/^\S+$/.test(t))) {
    throw new SettingsError('AUTH_HEADER_TYPES', 'expected one or more words without spaces');
  }
  if (!AUTHENTICATION_CLASSES.includes(s.AUTHENTICATION_CLASS)) {
    throw new SettingsError('AUTHENTICATION_CLASS', `expected one of ${AUTHENTICATION_CLASSES.join(', ')}`);
  }
  const tokenClasses = [...s.AUTH_TOKEN_CLASSES];
  if (tokenClasses.length === 0 || tokenClasses.some((c) => !TOKEN_CLASSES.includes(c))) {
    throw new SettingsError('AUTH_TOKEN_CLASSES', `expected some of ${TOKEN_CLASSES.join(', ')}`);
  }
  for (const flag of ['ROTATE_REFRESH_TOKENS', 'BLACKLIST_AFTER_ROTATION', 'UPDATE_LAST_LOGIN'] as const) {
    if (typeof s[flag] !== 'boolean') throw new SettingsError(flag, 'expected true or false');
  }
  return Object.freeze({
    ACCESS_TOKEN_LIFETIME: parseDuration(s.ACCESS_TOKEN_LIFETIME, 'ACCESS_TOKEN_LIFETIME'),
    REFRESH_TOKEN_LIFETIME: parseDuration(s.REFRESH_TOKEN_LIFETIME, 'REFRESH_TOKEN_LIFETIME'),
    ROTATE_REFRESH_TOKENS: s.ROTATE_REFRESH_TOKENS,
    BLACKLIST_AFTER_ROTATION: s.BLACKLIST_AFTER_ROTATION,
    UPDATE_LAST_LOGIN: s.UPDATE_LAST_LOGIN,
    ALGORITHM: s.ALGORITHM,
    ...keys(s as SimpleJwtSettings),
    JWK_URL: jwkUrl(s.JWK_URL ?? ''),
    JWK_CACHE_LIFETIME: parseDuration(s.JWK_CACHE_LIFETIME, 'JWK_CACHE_LIFETIME'),
    JWK_REFETCH_INTERVAL: parseDuration(s.JWK_REFETCH_INTERVAL, 'JWK_REFETCH_INTERVAL'),
    JWK_TIMEOUT: positive(parseDuration(s.JWK_TIMEOUT, 'JWK_TIMEOUT'), 'JWK_TIMEOUT'),
    JWKS_MAX_AGE: Math.floor(parseDuration(s.JWKS_MAX_AGE, 'JWKS_MAX_AGE')),
    AUDIENCE: s.AUDIENCE ?? '',
    ISSUER: s.ISSUER ?? '',
    LEEWAY: parseDuration(s.LEEWAY, 'LEEWAY'),
    AUTH_HEADER_TYPES: Object.freeze(headerTypes),
    AUTH_HEADER_NAME: headerName(s.AUTH_HEADER_NAME),
    AUTHENTICATION_CLASS: s.AUTHENTICATION_CLASS,
    USER_ID_FIELD: nonEmpty('USER_ID_FIELD', s.USER_ID_FIELD),
    USER_ID_CLAIM: nonEmpty('USER_ID_CLAIM', s.USER_ID_CLAIM),
    AUTH_TOKEN_CLASSES: Object.freeze(tokenClasses),
    TOKEN_TYPE_CLAIM: nonEmpty('TOKEN_TYPE_CLAIM', s.TOKEN_TYPE_CLAIM),
    JTI_CLAIM: nonEmpty('JTI_CLAIM', s.JTI_CLAIM),
    SLIDING_TOKEN_REFRESH_EXP_CLAIM: nonEmpty('SLIDING_TOKEN_REFRESH_EXP_CLAIM', s.SLIDING_TOKEN_REFRESH_EXP_CLAIM),
    SLIDING_TOKEN_LIFETIME: parseDuration(s.SLIDING_TOKEN_LIFETIME, 'SLIDING_TOKEN_LIFETIME'),
    SLIDING_TOKEN_REFRESH_LIFETIME: parseDuration(s.SLIDING_TOKEN_REFRESH_LIFETIME, 'SLIDING_TOKEN_REFRESH_LIFETIME'),
    REFRESH_TOKEN_REUSE_GRACE: parseDuration(s.REFRESH_TOKEN_REUSE_GRACE, 'REFRESH_TOKEN_REUSE_GRACE'),
    SESSION_LIFETIME: parseDuration(s.SESSION_LIFETIME, 'SESSION_LIFETIME'),
    DEFAULT_THROTTLE_RATES: throttleRates(s.DEFAULT_THROTTLE_RATES),
    NUM_PROXIES: numProxies(s.NUM_PROXIES),
  });
}

function throttleRates(rates: Record<string, string>): ThrottleRates {
  const parsed: Record<string, ReturnType<typeof parseRate>> = {};
  for (const [scope, rate] of Object.entries(rates)) {
    try {
      parsed[scope] = parseRate(rate);
    } catch (error) {
      throw new SettingsError('DEFAULT_THROTTLE_RATES', `${scope}: ${(error as Error).message}`);
    }
  }
  return Object.freeze(parsed);
}

function positive(value: number, setting: string): number {
  if (value <= 0) throw new SettingsError(setting, 'must be more than 0');
  return value;
}

function numProxies(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new SettingsError('NUM_PROXIES', 'expected a whole number, 0 or more');
  return value;
}

/** The entries of `value` that are not undefined, so defaults are not overwritten by them. */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
