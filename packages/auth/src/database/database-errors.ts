/**
 * Why the database could not serve a request, when that is the reason a request failed:
 * `unreachable` (down, restarting, refusing or dropping connections) or `timeout` (it did not
 * answer within the statement timeout, or no connection came free within the pool timeout).
 */
export interface DatabaseUnavailability {
  readonly kind: 'unreachable' | 'timeout';
  /** A short description for the log: a code and the first line of the message, never a query. */
  readonly description: string;
}

/** PostgreSQL's SQLSTATEs that say "not now", not "this request is wrong" (Appendix A). */
const TIMEOUT_STATES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
]);
const UNREACHABLE_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, recovering
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
]);

/** Socket errors on the way to the database. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND']);

/** pg and pg-pool say these without a code (and PostgreSQL this one under the generic 55000). */
const TIMEOUT_MESSAGES = ['Query read timeout', 'timeout exceeded when trying to connect'];
const UNREACHABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'is not currently accepting connections', // ALTER DATABASE ... ALLOW_CONNECTIONS false
];

/** TypeORM's errors for a DataSource that is not (or no longer) connected. */
const UNREACHABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError']);

/**
 * Whether `error` (or what it wraps: TypeORM's QueryFailedError.driverError, an Error's cause,
 * an AggregateError's errors) means the database is unavailable; null for any other error.
 */
export function databaseUnavailability(error: unknown, depth = 0): DatabaseUnavailability | null {
  if (typeof error !== 'object' || error === null || depth > 4) return null;
  const found = classify(error as ErrorLike);
  if (found !== null) return found;
  const { driverError, cause, errors } = error as ErrorLike;
  for (const inner of [driverError, cause, ...(Array.isArray(errors) ? errors : [])]) {
    const wrapped = databaseUnavailability(inner, depth + 1);
    if (wrapped !== null) return wrapped;
  }
  return null;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function classify(error: ErrorLike): DatabaseUnavailability | null {
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message.split('\n')[0].slice(0, 200) : '';
  const description = code === '' ? message : `${code} ${message}`.trim();
  if (TIMEOUT_STATES.has(code) || TIMEOUT_MESSAGES.some((text) => message.includes(text))) return { kind: 'timeout', description };
  const unreachable =
    UNREACHABLE_STATES.has(code) ||
    code.startsWith('08') || // connection_exception and its subclasses
    SOCKET_CODES.has(code) ||
    UNREACHABLE_MESSAGES.some((text) => message.includes(text)) ||
    (typeof error.name === 'string' && UNREACHABLE_NAMES.has(error.name));
  return unreachable ? { kind: 'unreachable', description } : null;
}
