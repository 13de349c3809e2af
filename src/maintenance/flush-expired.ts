import { BlacklistRepository, LoginFailureRepository, SessionRepository, type AuthDatabase } from '@nest-simplejwt/auth';

/** What one flush deleted. */
export interface FlushCounts {
  readonly tokens: number;
  readonly sessions: number;
  readonly failures: number;
}

/**
 * SimpleJWT's flushexpiredtokens, as `node dist/cli.js flushexpiredtokens` and the server's own
 * rounds (FLUSH_EXPIRED_TOKENS_INTERVAL) run it: expired outstanding tokens and their blacklist
 * rows, sessions that can serve no token any more, and failed-login records that can no longer
 * lock anyone (unlocked, last failure older than `loginFailureWindow` seconds).
 */
export async function flushExpired(database: AuthDatabase, loginFailureWindow: number): Promise<FlushCounts> {
  const tokens = await new BlacklistRepository(database).flushExpired();
  const sessions = await new SessionRepository(database).flushExpired();
  const failures = await new LoginFailureRepository(database).flushExpired(loginFailureWindow);
  return { tokens, sessions, failures };
}

/** "3 expired tokens, 1 expired session and 0 failed-login records" */
export function describeFlush(counts: FlushCounts): string {
  return `${plural(counts.tokens, 'expired token')}, ${plural(counts.sessions, 'expired session')} and ${plural(counts.failures, 'failed-login record')}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
