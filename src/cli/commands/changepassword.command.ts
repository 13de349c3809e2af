import { validatePassword } from '../../users/password-validation.js';
import { defineCommand } from '../command.js';
import { CommandError } from '../errors.js';
import { checkNotBlank, checkPassword, PASSWORD_RULES, promptPasswordChange } from '../user-input.js';

/** Django's changepassword, plus --password for scripts. */
export default defineCommand({
  name: 'changepassword',
  summary: "Set a user's password, prompting for it twice unless --password is given; ends all of the user's sessions",
  usage: '<username> [--password <password>] [--skip-password-validation]',
  options: {
    password: { type: 'string' },
    'skip-password-validation': { type: 'boolean', default: false },
  },
  optionHelp: {
    password: 'the new password, without prompting',
    'skip-password-validation': 'store a password the validators refuse',
  },
  positionals: ['username'],
  notes: `${PASSWORD_RULES}\nAt the prompt, three attempts (a mismatch, a blank or a refused password) and it gives up.`,
  async run({ values, positionals: [username] }, cli) {
    const skip = values['skip-password-validation'];
    if (values.password !== undefined) checkNotBlank(values.password); // before opening anything
    const database = await cli.database();
    const user = await database.users.findByUsername(username);
    if (user === null) throw new CommandError(`user '${username}' does not exist`);
    let password = values.password;
    if (password !== undefined) {
      checkPassword(password, user, skip);
    } else {
      cli.out(`Changing password for user '${username}'`);
      password = await promptPasswordChange(cli, username, (candidate) => (skip ? [] : validatePassword(candidate, user)));
    }
    await database.users.setPasswordByUsername(username, password);
    const ended = await database.sessions.revokeAll(String(user.id), 'password_change');
    cli.out(`Password changed successfully for user '${username}'`);
    if (ended.length > 0) cli.out(`Ended ${ended.length} session${ended.length === 1 ? '' : 's'}.`);
  },
});
