import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { BlacklistRepository } from './auth/index.js';
import { loadConfig } from './config/app-config.js';
import { ConfigError } from './config/config-error.js';
import { dataSourceOptions, migrate } from './database/data-source.js';
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
    username ||= await ask('Username: ');
    email ??= await ask('Email address: ');
    password ||= await askPassword();
  }
  await create(users, { username: username!, password: password!, email, isStaff: true, isSuperuser: true });
  console.log('Superuser created successfully.');
}

async function changepassword(args: string[], { users }: Db): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { password: { type: 'string' } } });
  const username = positionals[0];
  if (!username) throw new CliError('changepassword needs a username');
  if ((await users.findByUsername(username)) === null) throw new CliError(`user '${username}' does not exist`);
  const password = values.password ?? (await askPassword());
  if (password === '') throw new CliError("Blank passwords aren't allowed.");
  await users.setPassword(username, password);
  console.log(`Password changed successfully for user '${username}'`);
}

async function flushexpiredtokens(_args: string[], { dataSource }: Db): Promise<void> {
  const count = await new BlacklistRepository(dataSource).flushExpired();
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

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Reads a password twice without echoing it, as Django's getpass does. */
async function askPassword(): Promise<string> {
  const read = async (prompt: string) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) process.stdout.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY });
    const answer = rl.question(prompt);
    muted = true;
    try {
      return await answer;
    } finally {
      rl.close();
      process.stdout.write('\n');
    }
  };
  const password = await read('Password: ');
  if (password !== (await read('Password (again): '))) throw new CliError("Error: Your passwords didn't match.");
  return password;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError || error instanceof ConfigError) {
      console.error(error instanceof CliError ? `Error: ${error.message}` : error.message);
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    }
    process.exit(1);
  },
);
