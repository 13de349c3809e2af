import { defineCommand } from '../command.js';
import { CommandError } from '../errors.js';

/** django-axes' axes_reset_username: a username's failed logins and lockouts, from every address or one. */
export default defineCommand({
  name: 'unlock',
  summary: "Clear a username's failed logins and lockouts, from every address or one with --address",
  usage: '<username> [--address <address>]',
  options: { address: { type: 'string' } },
  optionHelp: { address: 'only from this client address (as the lockout saw it: NUM_PROXIES-aware)' },
  positionals: ['username'],
  notes:
    'The username is taken as a login gives it (trimmed, case-sensitive); it need not exist, as\n' +
    'unknown usernames are counted too. A lock of an address across all usernames\n' +
    '(LOGIN_FAILURE_LIMIT_PER_ADDRESS) is not cleared: it ends after LOGIN_COOLOFF.',
  async run({ values, positionals: [given] }, cli) {
    const username = given.trim();
    if (username === '') throw new CommandError('the username may not be blank');
    const address = values.address?.trim() ?? null;
    if (address === '') throw new CommandError('the address may not be blank');
    const database = await cli.database();
    const cleared = await database.lockout.unlock(username, address, database.loginFailureWindow);
    const from = address === null ? '' : ` from ${address}`;
    if (cleared.length === 0) {
      cli.out(`No failed logins of '${username}'${from} to clear.`);
      return;
    }
    for (const c of cleared) {
      const what = c.wait === null ? `${c.failures} recent failed login${c.failures === 1 ? '' : 's'}` : `locked, ${c.wait} second${c.wait === 1 ? '' : 's'} left`;
      cli.out(`Cleared '${username}' from ${c.address}: ${what}.`);
    }
  },
});
