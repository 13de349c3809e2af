import { validatePassword } from '../../users/password-validation.js';
import { emailErrors, normalizeEmail, normalizeUsername, usernameErrors } from '../../users/user-fields.js';
import { defineCommand, type CliContext, type OptionSpecs, type OptionValues } from '../command.js';
import { CommandError } from '../errors.js';
import { checkEmail, checkPassword, checkUsername, PASSWORD_RULES, promptNewPassword } from '../user-input.js';

const options = {
  username: { type: 'string' },
  email: { type: 'string' },
  'no-input': { type: 'boolean', default: false },
  noinput: { type: 'boolean', default: false },
  'skip-password-validation': { type: 'boolean', default: false },
} as const satisfies OptionSpecs;

type Values = OptionValues<typeof options>;

interface NewSuperuser {
  username: string;
  email: string;
  password: string;
}

/** Django's createsuperuser: interactive unless --no-input. */
export default defineCommand({
  name: 'createsuperuser',
  summary: 'Create a staff superuser, prompting for what is missing',
  usage: '[--username <username>] [--email <email>] [--no-input] [--skip-password-validation]',
  options,
  optionHelp: {
    username: 'asked for when missing (again while it is taken or invalid)',
    email: 'asked for when missing (again while invalid); may be blank',
    'no-input': 'prompt for nothing: see the environment variables below',
    noinput: 'same as --no-input',
    'skip-password-validation': 'no password validators (at a prompt you may bypass them anyway)',
  },
  notes: [
    PASSWORD_RULES,
    'With --no-input: DJANGO_SUPERUSER_USERNAME (unless --username), DJANGO_SUPERUSER_PASSWORD',
    'and DJANGO_SUPERUSER_EMAIL (unless --email) are read; anything refused exits 1.',
  ].join('\n'),
  async run({ values }, cli) {
    const superuser = values['no-input'] || values.noinput ? fromEnvironment(values, cli) : await prompted(values, cli);
    const database = await cli.database();
    await database.createUser({ ...superuser, email: normalizeEmail(superuser.email), isStaff: true, isSuperuser: true });
    cli.out('Superuser created successfully.');
  },
});

function fromEnvironment(values: Values, cli: CliContext): NewSuperuser {
  const username = values.username ?? cli.env.DJANGO_SUPERUSER_USERNAME;
  if (!username) throw new CommandError('You must use --username with --no-input (or set DJANGO_SUPERUSER_USERNAME).');
  const password = cli.env.DJANGO_SUPERUSER_PASSWORD;
  if (!password) throw new CommandError('Set DJANGO_SUPERUSER_PASSWORD to use --no-input.');
  const superuser = { username: normalizeUsername(username), email: values.email ?? cli.env.DJANGO_SUPERUSER_EMAIL ?? '', password };
  checkUsername(superuser.username);
  checkEmail(superuser.email);
  checkPassword(password, superuser, values['skip-password-validation']);
  return superuser;
}

/** Django's order: the username (until valid and free), the email (until valid), then the password. */
async function prompted(values: Values, cli: CliContext): Promise<NewSuperuser> {
  if (values.username === '') throw new CommandError('Username cannot be blank.');
  const database = await cli.database();
  const username = await answer(cli, 'Username: ', values.username, normalizeUsername, async (candidate) => {
    const errors = usernameErrors(candidate);
    if (errors.length > 0) return errors.join('; ');
    return (await database.users.findByUsername(candidate)) ? 'That username is already taken.' : null;
  });
  const email = await answer(cli, 'Email address: ', values.email, (given) => given, async (candidate) => emailErrors(candidate).join('; ') || null);
  const skip = values['skip-password-validation'];
  const password = await promptNewPassword(cli, (candidate) => (skip ? [] : validatePassword(candidate, { username, email })));
  return { username, email, password };
}

/** The value given on the command line, else typed at the prompt, until `problem` finds none. */
async function answer(
  cli: CliContext,
  question: string,
  given: string | undefined,
  normalize: (value: string) => string,
  problem: (value: string) => Promise<string | null>,
): Promise<string> {
  let value = given;
  for (;;) {
    if (value !== undefined) {
      const candidate = normalize(value);
      const error = await problem(candidate);
      if (error === null) return candidate;
      cli.err(`Error: ${error}`);
    }
    value = await cli.ask(question);
  }
}
