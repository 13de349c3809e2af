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

const KEYS: ReadonlySet<string> = new Set(REDACTED_KEYS);
export const CENSOR = '[REDACTED]';
/** Deeper than any record the server writes; past it, values are left as they are. */
const MAX_DEPTH = 8;

/**
 * `value` with every property named in REDACTED_KEYS (case-insensitively, at any depth, in plain
 * objects and arrays) replaced by "[REDACTED]". Nothing is mutated; only the objects on the way
 * to a match are copied, so a record with nothing to hide is returned as it is.
 */
export function redacted<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const clean = redacted(item, depth + 1);
      if (clean !== item) (copy ??= value.slice())[index] = clean;
    });
    return (copy ?? value) as T;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value; // an Error, a Date: their own serializers
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    const clean = KEYS.has(key) || KEYS.has(key.toLowerCase()) ? CENSOR : redacted(item, depth + 1);
    if (clean !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = clean;
  }
  return (copy ?? value) as T;
}
