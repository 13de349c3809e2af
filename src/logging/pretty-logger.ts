import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { CENSOR, REDACTED_KEYS } from './redaction.js';

/**
 * Nest's console look (`[Nest] 1234  - 12/02/2026, 1:37:12 PM     LOG [Context] message`), with
 * Nest 12's structured params written as one line of JSON after the message rather than
 * util.inspect's, so an auth event reads `login_failed {"event":"login_failed","user_id":...}`
 * and a script can still take the object off the line. Fields named in REDACTED_KEYS are
 * written as "[REDACTED]".
 */
export class PrettyLogger extends ConsoleLogger {
  constructor(levels: LogLevel[]) {
    super({ logLevels: levels, redact: { paths: [...REDACTED_KEYS], censor: CENSOR } });
  }

  protected override stringifyParams(params: Record<string, unknown>): string {
    try {
      return JSON.stringify(params, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    } catch {
      return super.stringifyParams(params); // a cycle: inspect copes
    }
  }
}
