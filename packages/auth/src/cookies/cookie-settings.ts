import { headerName, SettingsError, stripUndefined } from '../auth.settings.js';
import { COOKIE_DEFAULTS, SAME_SITE_VALUES, type CookieSettings, type SameSite } from './cookie.options.js';

/** Injection token of the resolved cookie and CSRF settings. */
export const COOKIE_SETTINGS = Symbol('COOKIE_SETTINGS');

/** The attributes a Set-Cookie header gives a cookie. */
export interface CookieAttributes {
  readonly path: string;
  readonly domain: string | null;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: SameSite;
}

export interface CookieSpec {
  readonly name: string;
  /** The refresh cookie's path is null until the token routes' mount point is known (see TokenCookies). */
  readonly attributes: Omit<CookieAttributes, 'path'> & { readonly path: string | null };
}

/** A CSRF_TRUSTED_ORIGINS entry: an exact origin, or every subdomain of a host (`*.example.com`). */
export interface TrustedOrigin {
  readonly scheme: string;
  /** `app.example.com:8443`, or for a wildcard the suffix `.example.com`. */
  readonly host: string;
  readonly wildcard: boolean;
}

export interface ResolvedCookieSettings {
  /** Whether either token cookie is named: cookies are set, read, and CSRF is checked. */
  readonly enabled: boolean;
  readonly access: CookieSpec | null;
  readonly refresh: CookieSpec | null;
  readonly csrf: CookieSpec;
  /** The CSRF header, lower-case (`x-csrftoken`). */
  readonly csrfHeader: string;
  readonly trustedOrigins: readonly TrustedOrigin[];
  /** The refresh token travels only in its cookie, never in a response body. */
  readonly refreshOnlyInCookie: boolean;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([^/\s*?#@]+)$/i;

/** Checks the cookie and CSRF settings; throws a SettingsError naming the first bad one. */
export function resolveCookieSettings(options: Partial<CookieSettings>): ResolvedCookieSettings {
  const s = { ...COOKIE_DEFAULTS, ...stripUndefined(options) };
  if (!SAME_SITE_VALUES.includes(s.JWT_AUTH_SAMESITE)) {
    throw new SettingsError('JWT_AUTH_SAMESITE', `expected one of ${SAME_SITE_VALUES.join(', ')}, got ${JSON.stringify(s.JWT_AUTH_SAMESITE)}`);
  }
  for (const flag of ['JWT_AUTH_SECURE', 'JWT_AUTH_HTTPONLY'] as const) {
    if (typeof s[flag] !== 'boolean') throw new SettingsError(flag, 'expected true or false');
  }
  const domain = s.JWT_AUTH_COOKIE_DOMAIN.trim();
  if (domain !== '' && !DOMAIN.test(domain)) {
    throw new SettingsError('JWT_AUTH_COOKIE_DOMAIN', `not a domain: ${JSON.stringify(domain)}`);
  }
  const refreshPath = s.JWT_AUTH_REFRESH_COOKIE_PATH.trim();
  if (refreshPath !== '' && !/^\/[^;\s\x00-\x1f]*$/.test(refreshPath)) {
    throw new SettingsError('JWT_AUTH_REFRESH_COOKIE_PATH', `expected a path starting with /, got ${JSON.stringify(refreshPath)}`);
  }
  const spec = (setting: string, name: string, path: string | null, httpOnly: boolean): CookieSpec | null => {
    if (name === '') return null;
    if (!COOKIE_NAME.test(name)) throw new SettingsError(setting, `not a cookie name: ${JSON.stringify(name)}`);
    const host = name.startsWith('__Host-');
    if (host && domain !== '') throw new SettingsError('JWT_AUTH_COOKIE_DOMAIN', `a __Host- cookie (${setting}) may not have a Domain`);
    if (host && path !== null && path !== '/') {
      throw new SettingsError('JWT_AUTH_REFRESH_COOKIE_PATH', `a __Host- cookie (${setting}) must have Path=/`);
    }
    // Browsers refuse __Host- and __Secure- cookies without Secure: the prefix implies it.
    const secure = s.JWT_AUTH_SECURE || host || name.startsWith('__Secure-');
    if (s.JWT_AUTH_SAMESITE === 'None' && !secure) {
      throw new SettingsError('JWT_AUTH_SAMESITE', 'None needs JWT_AUTH_SECURE=true (browsers drop SameSite=None cookies without Secure)');
    }
    return {
      name,
      attributes: { path: host ? '/' : path, domain: host || domain === '' ? null : domain, secure, httpOnly, sameSite: s.JWT_AUTH_SAMESITE },
    };
  };
  const access = spec('JWT_AUTH_COOKIE', s.JWT_AUTH_COOKIE.trim(), '/', s.JWT_AUTH_HTTPONLY);
  const refresh = spec('JWT_AUTH_REFRESH_COOKIE', s.JWT_AUTH_REFRESH_COOKIE.trim(), refreshPath || null, s.JWT_AUTH_HTTPONLY);
  const csrf = spec('CSRF_COOKIE_NAME', s.CSRF_COOKIE_NAME.trim(), '/', false);
  if (csrf === null) throw new SettingsError('CSRF_COOKIE_NAME', 'may not be empty');
  const names = [access?.name, refresh?.name, csrf.name].filter((name) => name !== undefined);
  if (new Set(names).size !== names.length) {
    throw new SettingsError('JWT_AUTH_REFRESH_COOKIE', 'JWT_AUTH_COOKIE, JWT_AUTH_REFRESH_COOKIE and CSRF_COOKIE_NAME must differ');
  }
  return Object.freeze({
    enabled: access !== null || refresh !== null,
    access,
    refresh,
    csrf,
    csrfHeader: csrfHeaderName(s.CSRF_HEADER_NAME),
    trustedOrigins: Object.freeze(s.CSRF_TRUSTED_ORIGINS.map(trustedOrigin)),
    refreshOnlyInCookie: refresh !== null && s.JWT_AUTH_HTTPONLY,
  });
}

function csrfHeaderName(name: string): string {
  try {
    return headerName(name);
  } catch {
    throw new SettingsError('CSRF_HEADER_NAME', `not a header name: ${JSON.stringify(name)}`);
  }
}

/** `https://app.example.com` or `https://*.example.com`, as Django reads CSRF_TRUSTED_ORIGINS. */
export function trustedOrigin(entry: string): TrustedOrigin {
  const match = ORIGIN.exec(entry.trim());
  if (match === null) {
    throw new SettingsError('CSRF_TRUSTED_ORIGINS', `expected scheme://host[:port] (e.g. https://app.example.com or https://*.example.com), got ${JSON.stringify(entry)}`);
  }
  const [, scheme, wildcard, host] = match;
  return { scheme: scheme.toLowerCase(), host: `${wildcard ? '.' : ''}${host.toLowerCase()}`, wildcard: wildcard !== undefined };
}

/** Django's `_origin_verified` against the trusted list: exact origins, and subdomains of wildcards. */
export function isTrustedOrigin(origin: string, trusted: readonly TrustedOrigin[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const scheme = url.protocol.slice(0, -1);
  const host = url.host;
  return trusted.some((t) => t.scheme === scheme && (t.wildcard ? host === t.host.slice(1) || host.endsWith(t.host) : host === t.host));
}
