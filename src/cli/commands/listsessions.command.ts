import { defineCommand } from '../command.js';
import { CommandError } from '../errors.js';

/** A user's live sessions, newest first: what GET /api/sessions/ shows them. */
export default defineCommand({
  name: 'listsessions',
  summary: "List a user's live sessions, newest first",
  usage: '<username>',
  options: {},
  optionHelp: {},
  positionals: ['username'],
  notes: 'One line each: id, created, last used, expires (UTC), client address, user agent.',
  async run({ positionals: [username] }, cli) {
    const database = await cli.database();
    const user = await database.users.findByUsername(username);
    if (user === null) throw new CommandError(`user '${username}' does not exist`);
    const sessions = await database.sessions.list(String(user.id));
    if (sessions.length === 0) cli.out(`No live sessions for user '${username}'.`);
    for (const s of sessions) {
      const times = [s.createdAt, s.lastUsedAt, s.expiresAt].map((date) => date.toISOString().slice(0, 19) + 'Z');
      cli.out([s.id, ...times, s.ipAddress ?? '-', JSON.stringify(s.userAgent)].join('  '));
    }
  },
});
