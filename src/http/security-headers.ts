import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';

/**
 * The Content-Security-Policy: only the app's own scripts, styles, images and connections. The
 * explorer (Swagger UI) runs under it: its scripts are files, its inline styles are allowed,
 * its icons are data: URLs. Nothing may frame the app, as X-Frame-Options DENY also says.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * Django's default security headers (SecurityMiddleware and XFrameOptionsMiddleware:
 * X-Content-Type-Options nosniff, Referrer-Policy same-origin, Cross-Origin-Opener-Policy
 * same-origin, X-Frame-Options DENY) as helmet (the engine @fastify/helmet runs) writes them,
 * with the CSP above. Like Django's default (SECURE_HSTS_SECONDS = 0), no
 * Strict-Transport-Security: HTTPS belongs to the proxy that terminates TLS.
 */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'same-origin' },
  xFrameOptions: { action: 'deny' },
  strictTransportSecurity: false,
} as const;

/**
 * The headers helmet sets with HELMET_OPTIONS, computed once: they depend on nothing of the
 * request, and helmet rebuilt them on every request (about 10 µs of a 140 µs GET, profiled).
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(HELMET_OPTIONS as Parameters<typeof helmet>[0])({} as never, response as never, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return Object.freeze(headers);
}

/** Every answer carries the security headers, errors and the explorer's pages included. */
export async function installSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const headers = securityHeaders();
  app.getHttpAdapter().getInstance().addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
