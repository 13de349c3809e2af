import type { CookieAttributes } from './cookie-settings.js';

/** The part of a Fastify or Express request the Cookie header is read from. */
export interface RequestWithCookies {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The value of cookie `name` in the request's Cookie header (RFC 6265 §5.4), or null. The first
 * of repeated names wins: browsers send the cookie with the longest path first. A quoted value
 * is unquoted and %-escapes are decoded, as Django's parser does.
 */
export function readCookie(request: RequestWithCookies, name: string): string | null {
  const header = request.headers.cookie;
  if (header === undefined) return null;
  for (const pair of (Array.isArray(header) ? header.join('; ') : header).split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      return value;
    }
  }
  return null;
}

/** Whether the request carries cookie `name` with a non-empty value. */
export function hasCookie(request: RequestWithCookies, name: string): boolean {
  return (readCookie(request, name) ?? '') !== '';
}

/**
 * A Set-Cookie value, as Django's `set_cookie` writes it: Max-Age and Expires both, so old
 * clients that know only Expires keep the same lifetime. `maxAge` 0 deletes the cookie.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes, maxAge: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor(maxAge));
  const expires = seconds === 0 ? 'Thu, 01 Jan 1970 00:00:00 GMT' : new Date(now + seconds * 1000).toUTCString();
  const parts = [`${name}=${value}`, `Expires=${expires}`, `Max-Age=${seconds}`, `Path=${attributes.path}`];
  if (attributes.domain !== null) parts.push(`Domain=${attributes.domain}`);
  if (attributes.secure) parts.push('Secure');
  if (attributes.httpOnly) parts.push('HttpOnly');
  parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join('; ');
}

interface FastifyReplyLike {
  raw: unknown;
  header(name: string, value: unknown): unknown;
}

interface NodeResponseLike {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string | string[]): unknown;
}

/** Adds a Set-Cookie header beside those already set, on a Fastify reply or a Node/Express response. */
export function appendSetCookie(response: unknown, cookie: string): void {
  const reply = response as FastifyReplyLike;
  if (reply.raw !== undefined && typeof reply.header === 'function') {
    reply.header('set-cookie', cookie); // Fastify appends set-cookie values rather than replacing them
    return;
  }
  const res = response as NodeResponseLike;
  const previous = res.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  res.setHeader('set-cookie', [...list, cookie]);
}

/** Sets a response header on a Fastify reply or a Node/Express response. */
export function setHeader(response: unknown, name: string, value: string): void {
  const reply = response as FastifyReplyLike;
  if (reply.raw !== undefined && typeof reply.header === 'function') reply.header(name, value);
  else (response as NodeResponseLike).setHeader(name, value);
}
