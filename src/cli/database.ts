import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthDatabase, BlacklistRepository, LoginFailureRepository, parseDuration, SessionRepository } from '@nest-simplejwt/auth';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source.js';
import { openDatabase } from '../database/open-database.js';
import { DjangoUserImport } from '../users/django-import.js';
import { User } from '../users/user.entity.js';
import { UsernameTaken, UsersService, type NewUser } from '../users/users.service.js';
import { DatabaseReport, StderrLogger } from './cli-logger.js';
import { CommandError } from './errors.js';

/** The database as commands use it. Loaded on demand: --help and bad arguments never load it. */
export interface CliDatabase {
  readonly users: UsersService;
  /** The AuthModule's tables, on the command's pool. */
  readonly auth: AuthDatabase;
  readonly blacklist: BlacklistRepository;
  readonly sessions: SessionRepository;
  readonly lockout: LoginFailureRepository;
  /** LOGIN_FAILURE_WINDOW, in seconds: how far back failed logins count. */
  readonly loginFailureWindow: number;
  readonly djangoImport: DjangoUserImport;
  /** The migrations applied on opening, in order (what `migrate` reports). */
  readonly applied: readonly string[];
  /** users.create(), a taken username being the user's error (a race past the earlier check). */
  createUser(user: NewUser): Promise<User>;
  close(): Promise<void>;
}

/** DATABASE_URL's database, or the embedded one under DATA_DIR, with every migration applied. */
export async function openCliDatabase(): Promise<CliDatabase> {
  Logger.overrideLogger(new StderrLogger());
  const config = loadConfig();
  const report = new DatabaseReport('Database');
  // Every command may rely on the current schema, so the CLI always migrates first.
  const database = await openDatabase({ ...config, migrateOnStart: true }, report);
  const dataSource = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await dataSource.initialize();
  } catch (error) {
    await database.stop();
    throw error;
  }
  const users = new UsersService(dataSource.getRepository(User));
  const auth = AuthDatabase.of(dataSource);
  return {
    users,
    auth,
    blacklist: new BlacklistRepository(auth),
    sessions: new SessionRepository(auth),
    lockout: new LoginFailureRepository(auth),
    loginFailureWindow: parseDuration(config.jwt.LOGIN_FAILURE_WINDOW, 'LOGIN_FAILURE_WINDOW'),
    djangoImport: new DjangoUserImport(dataSource),
    applied: report.applied,
    async createUser(user) {
      try {
        return await users.create(user);
      } catch (error) {
        if (error instanceof UsernameTaken) throw new CommandError('That username is already taken.');
        throw error;
      }
    },
    async close() {
      await dataSource.destroy().catch(() => {});
      await database.stop();
    },
  };
}
