import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuthDatabase, BlacklistRepository } from '@nest-simplejwt/auth';
import { loadConfig } from './config/app-config.js';
import { ConfigError } from './config/config-error.js';
import { dataSourceOptions } from './database/data-source.js';
import { openDatabase } from './database/open-database.js';
import { User } from './users/user.entity.js';
import { UsernameTaken, UsersService } from './users/users.service.js';

const USAGE = `Usage: node dist/cli.js <command> [options]   (or: npm run cli -- <command> [options])

Commands (named as Django's manage.py names them):
  migrate                      Apply pending database migrations
  createuser --username U --password P [--email E] [--inactive] [--staff] [--superuser]
                               Create a user, without prompting
  createsuperuser [--username U] [--email E] [--no-input]
                               Create a staff superuser; prompts for what is missing, or with
                               --no-input reads DJANGO_SUPERUSER_USERNAME, _PASSWORD and _EMAIL
  changepassword <username> [--password P]
                               Set a user's password; prompts when --password is not given
  flushexpiredtokens           Delete outstanding and blacklisted tokens that have expired
`;

/** Django's username rule: up to 150 letters, digits and @ . + - _ */
const USERNAME = /^[\p{L}\p{N}@.+_-]{1,150}$/u;

class CliError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  const commands: Record<string, (args: string[], db: Db) => Promise<void>> = {
    migrate: async () => {},
    createuser,
    createsuperuser,
    changepassword,
    flushexpiredtokens,
  };
  const run = commands[command];
  if (!run) throw new CliError(`Unknown command: ${command}\n\n${USAGE}`);
  const config = loadConfig();
  // The CLI always brings the schema up to date, so `migrate` is opening the database.
  const database = await openDatabase({ ...config, migrateOnStart: true });
  const dataSource = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await dataSource.initialize();
    await run(rest, { users: new UsersService(dataSource.getRepository(User)), dataSource });
  } finally {
    await dataSource.destroy().catch(() => {});
    await database.stop();
  }
  return 0;
}

interface Db {
  users: UsersService;
  dataSource: DataSource;
}

async function createuser(args: string[], { users }: Db): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      email: { type: 'string' },
      inactive: { type: 'boolean', default: false },
      staff: { type: 'boolean', default: false },
      superuser: { type: 'boolean', default: false },
    },
  });
  if (values.username === undefined || values.password === undefined) {
    throw new CliError('createuser needs --username and --password');
  }
  const user = await create(users, {
    username: values.username,
    password: values.password,
    email: values.email,
    isActive: !values.inactive,
    isStaff: values.staff || values.superuser,
    isSuperuser: values.superuser,
  });
  console.log(`User "${user.username}" created (id ${user.id}).`);
}

async function createsuperuser(args: string[], { users }: Db): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      'no-input': { type: 'boolean', default: false },
      noinput: { type: 'boolean', default: false },
    },
  });
  const env = process.env;
  let username = values.username ?? env.DJANGO_SUPERUSER_USERNAME;
  let email = values.email ?? env.DJANGO_SUPERUSER_EMAIL;
  let password = env.DJANGO_SUPERUSER_PASSWORD;
  if (values['no-input'] || values.noinput) {
    if (!username) throw new CliError('You must use --username with --no-input (or set DJANGO_SUPERUSER_USERNAME).');
    if (!password) throw new CliError('Set DJANGO_SUPERUSER_PASSWORD to use --no-input.');
  } else {
    username ||= (await prompts().ask('Username: ')).trim();
    email ??= (await prompts().ask('Email address: ')).trim();
    password ||= await prompts().password();
  }
  await create(users, { username: username!, password: password!, email, isStaff: true, isSuperuser: true });
  console.log('Superuser created successfully.');
}

async function changepassword(args: string[], { users }: Db): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { password: { type: 'string' } } });
  const username = positionals[0];
  if (!username) throw new CliError('changepassword needs a username');
  if ((await users.findByUsername(username)) === null) throw new CliError(`user '${username}' does not exist`);
  const password = values.password ?? (await prompts().password());
  if (password === '') throw new CliError("Blank passwords aren't allowed.");
  await users.setPasswordByUsername(username, password);
  console.log(`Password changed successfully for user '${username}'`);
}

async function flushexpiredtokens(_args: string[], { dataSource }: Db): Promise<void> {
  const count = await new BlacklistRepository(AuthDatabase.of(dataSource)).flushExpired();
  console.log(`Deleted ${count} expired token${count === 1 ? '' : 's'}.`);
}

async function create(users: UsersService, input: Parameters<UsersService['create']>[0]): Promise<User> {
  if (!USERNAME.test(input.username)) {
    throw new CliError('Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters.');
  }
  if (input.password === '') throw new CliError("Blank passwords aren't allowed.");
  try {
    return await users.create(input);
  } catch (error) {
    if (error instanceof UsernameTaken) throw new CliError('That username is already taken.');
    throw error;
  }
}

/**
 * Answers to prompts, one line each, from a single reader of stdin: piped answers given all at
 * once are kept for the prompts that follow, and stdin ending before an answer is an error.
 */
class Prompter {
  private muted = false;
  private readonly rl = createInterface({
    input: process.stdin,
    // Echo passes through this stream, so muting it hides what is typed (passwords).
    output: new Writable({
      write: (chunk, _encoding, done) => {
        if (!this.muted) process.stdout.write(chunk);
        done();
      },
    }),
    terminal: process.stdin.isTTY === true,
  });
  private readonly lines = this.rl[Symbol.asyncIterator]();

  async ask(question: string, hidden = false): Promise<string> {
    process.stdout.write(question);
    this.muted = hidden;
    try {
      const { value, done } = await this.lines.next();
      if (done) throw new CliError('No answer: the input ended before every question was answered.');
      return value;
    } finally {
      this.muted = false;
      if (hidden) process.stdout.write('\n');
    }
  }

  /** A password, typed twice without echo, as Django's getpass asks for it. */
  async password(): Promise<string> {
    const password = await this.ask('Password: ', true);
    if (password !== (await this.ask('Password (again): ', true))) throw new CliError("Your passwords didn't match.");
    return password;
  }

  close(): void {
    this.rl.close();
  }
}

let prompter: Prompter | undefined;
const prompts = () => (prompter ??= new Prompter());

main(process.argv.slice(2)).then(
  (code) => {
    prompter?.close();
    process.exit(code);
  },
  (error: unknown) => {
    prompter?.close();
    if (error instanceof CliError || error instanceof ConfigError) {
      console.error(error instanceof CliError ? `Error: ${error.message}` : error.message);
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    }
    process.exit(1);
  },
);
