import { defineCommand } from '../command.js';

/** SimpleJWT's token_blacklist command. */
export default defineCommand({
  name: 'flushexpiredtokens',
  summary: 'Delete expired outstanding and blacklisted tokens, sessions that can serve no token any more, and stale failed logins',
  usage: '',
  notes: 'A failed-login record goes once it is unlocked and its last failure is older than LOGIN_FAILURE_WINDOW.',
  options: {},
  optionHelp: {},
  async run(_args, cli) {
    const database = await cli.database();
    const count = await database.blacklist.flushExpired();
    const sessions = await database.sessions.flushExpired();
    const failures = await database.lockout.flushExpired(database.loginFailureWindow);
    cli.out(
      `Deleted ${plural(count, 'expired token')}, ${plural(sessions, 'expired session')} and ${plural(failures, 'failed-login record')} ` +
        'older than LOGIN_FAILURE_WINDOW.',
    );
  },
});

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
