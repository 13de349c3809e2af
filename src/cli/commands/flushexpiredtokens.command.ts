import { describeFlush, flushExpired } from '../../maintenance/flush-expired.js';
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
    const counts = await flushExpired(database.auth, database.loginFailureWindow);
    cli.out(`Deleted ${describeFlush(counts)} older than LOGIN_FAILURE_WINDOW.`);
  },
});
