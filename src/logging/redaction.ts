/**
 * Field names whose values never reach a log line, in either format, at any depth the logger
 * looks: credentials (headers, cookies, tokens) and passwords, the password change's included.
 * The lines the app writes never carry these at all (test/logging.e2e-spec.ts proves it for a
 * whole flow); this is the net under a future `logger.log('...', { headers })`.
 */
export const REDACTED_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrftoken',
  'password',
  'old_password',
  'new_password1',
  'new_password2',
  'refresh',
  'access',
  'token',
];
