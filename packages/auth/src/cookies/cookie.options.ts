/** What a browser may do with a cookie sent along from another site (the SameSite attribute). */
export const SAME_SITE_VALUES = ['Lax', 'Strict', 'None'] as const;
export type SameSite = (typeof SAME_SITE_VALUES)[number];

/**
 * Cookie mode and CSRF protection for browser apps, under dj-rest-auth's names (`JWT_AUTH_*`) and
 * Django's (`CSRF_*`). Cookie mode is on when either cookie is named; every cookie-authenticated
 * unsafe request then needs Django's double-submitted CSRF token.
 */
export interface CookieSettings {
  /** The access token's cookie; read when a request has no Authorization header. Empty: off. @default '' */
  JWT_AUTH_COOKIE: string;
  /** The refresh token's cookie; refresh and logout read it when the body has none. Empty: off. @default '' */
  JWT_AUTH_REFRESH_COOKIE: string;
  /** The refresh cookie's Path. Empty: the token routes (`/api/token`), so no other route sees it. @default '' */
  JWT_AUTH_REFRESH_COOKIE_PATH: string;
  /** Cookies carry `Secure` (sent over HTTPS only); `__Secure-` and `__Host-` names always do. @default false */
  JWT_AUTH_SECURE: boolean;
  /** The token cookies are HttpOnly, and the refresh token stays out of response bodies. @default true */
  JWT_AUTH_HTTPONLY: boolean;
  /** The cookies' SameSite: Lax, Strict, or None (needs JWT_AUTH_SECURE). @default 'Lax' */
  JWT_AUTH_SAMESITE: SameSite;
  /** The cookies' Domain (e.g. `.example.com` to share them with subdomains). Empty: this host only. @default '' */
  JWT_AUTH_COOKIE_DOMAIN: string;
  /** Django's: the cookie that holds the CSRF token, set at login and readable by scripts. @default 'csrftoken' */
  CSRF_COOKIE_NAME: string;
  /** Django's: the header that must repeat it, as Django names it or plainly. @default 'HTTP_X_CSRFTOKEN' */
  CSRF_HEADER_NAME: string;
  /**
   * Django's: origins (`https://app.example.com`, `https://*.example.com`) whose unsafe requests
   * are trusted besides the API's own origin.
   * @default []
   */
  CSRF_TRUSTED_ORIGINS: string[];
}

export const COOKIE_DEFAULTS: Readonly<CookieSettings> = Object.freeze({
  JWT_AUTH_COOKIE: '',
  JWT_AUTH_REFRESH_COOKIE: '',
  JWT_AUTH_REFRESH_COOKIE_PATH: '',
  JWT_AUTH_SECURE: false,
  JWT_AUTH_HTTPONLY: true,
  JWT_AUTH_SAMESITE: 'Lax',
  JWT_AUTH_COOKIE_DOMAIN: '',
  CSRF_COOKIE_NAME: 'csrftoken',
  CSRF_HEADER_NAME: 'HTTP_X_CSRFTOKEN',
  CSRF_TRUSTED_ORIGINS: [],
} satisfies CookieSettings);
