import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

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
 * same-origin, X-Frame-Options DENY) through @fastify/helmet, with the CSP above. Like Django's
 * default (SECURE_HSTS_SECONDS = 0), no Strict-Transport-Security: HTTPS belongs to the proxy
 * that terminates TLS, which knows whether the whole domain is served over it.
 */
export async function installSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
  });
}
