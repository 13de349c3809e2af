import { defineCommand } from '../command.js';

/** SimpleJWT's token_blacklist command. */
export default defineCommand({
  name: 'flushexpiredtokens',
  summary: 'Delete expired outstanding and blacklisted tokens, and sessions that can serve no token any more',
  usage: '',
  options: {},
  optionHelp: {},
  async run(_args, cli) {
    const database = await cli.database();
    const count = await database.blacklist.flushExpired();
    const sessions = await database.sessions.flushExpired();
    cli.out(`Deleted ${count} expired token${count === 1 ? '' : 's'} and ${sessions} expired session${sessions === 1 ? '' : 's'}.`);
  },
});
