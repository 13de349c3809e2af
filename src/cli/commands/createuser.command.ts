import { normalizeEmail, normalizeUsername } from '../../users/user-fields.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { checkEmail, checkPassword, checkUsername, PASSWORD_RULES } from '../user-input.js';

/** This project's own: a user of any kind, from a script, without prompts. */
export default defineCommand({
  name: 'createuser',
  summary: 'Create a user without prompting (for scripts)',
  usage: '--username <username> --password <password> [--email <email>] [--inactive] [--staff] [--superuser] [--skip-password-validation]',
  options: {
    username: { type: 'string' },
    password: { type: 'string' },
    email: { type: 'string' },
    inactive: { type: 'boolean', default: false },
    staff: { type: 'boolean', default: false },
    superuser: { type: 'boolean', default: false },
    'skip-password-validation': { type: 'boolean', default: false },
  },
  optionHelp: {
    username: 'up to 150 letters, digits and @/./+/-/_ (required)',
    password: "checked by Django's default password validators (required)",
    email: 'optional; must be a valid address',
    inactive: 'the user cannot log in',
    staff: 'is_staff: admin-only routes allow the user',
    superuser: 'is_superuser (implies --staff)',
    'skip-password-validation': 'store a password the validators refuse',
  },
  notes: PASSWORD_RULES,
  async run({ values }, cli) {
    if (values.username === undefined) throw new UsageError("missing option '--username'");
    if (values.password === undefined) throw new UsageError("missing option '--password'");
    const username = normalizeUsername(values.username);
    const email = values.email ?? '';
    checkUsername(username);
    checkEmail(email);
    checkPassword(values.password, { username, email }, values['skip-password-validation']);
    const user = await (await cli.database()).createUser({
      username,
      password: values.password,
      email: normalizeEmail(email),
      isActive: !values.inactive,
      isStaff: values.staff || values.superuser,
      isSuperuser: values.superuser,
    });
    cli.out(`User "${user.username}" created (id ${user.id}).`);
  },
});
