import { defineCommand } from '../command.js';

/** SimpleJWT's token_blacklist command. */
export default defineCommand({
  name: 'flushexpiredtokens',
  summary: 'Delete outstanding and blacklisted tokens that have expired',
  usage: '',
  options: {},
  optionHelp: {},
  async run(_args, cli) {
    const count = await (await cli.database()).blacklist.flushExpired();
    cli.out(`Deleted ${count} expired token${count === 1 ? '' : 's'}.`);
  },
});
