import { defineCommand } from '../command.js';
import { CommandError } from '../errors.js';

/** Ends a user's sessions at once: their refresh and access tokens stop working. */
export default defineCommand({
  name: 'revokesessions',
  summary: "End all of a user's sessions, or one of them with --session",
  usage: '<username> [--session <id>]',
  options: { session: { type: 'string' } },
  optionHelp: { session: 'only this session (an id from listsessions)' },
  positionals: ['username'],
  async run({ values, positionals: [username] }, cli) {
    const database = await cli.database();
    const user = await database.users.findByUsername(username);
    if (user === null) throw new CommandError(`user '${username}' does not exist`);
    const userId = String(user.id);
    if (values.session !== undefined) {
      if (!(await database.sessions.revoke(userId, values.session, 'cli'))) {
        throw new CommandError(`user '${username}' has no live session ${values.session}`);
      }
      cli.out(`Ended session ${values.session} of user '${username}'.`);
      return;
    }
    const ended = await database.sessions.revokeAll(userId, 'cli');
    cli.out(`Ended ${ended.length} session${ended.length === 1 ? '' : 's'} of user '${username}'.`);
  },
});
