import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import { AuthDatabase } from './auth-database.js';
import { CREATE_TOKEN_BLACKLIST, CreateTokenBlacklist1732406400000 } from './migrations/1732406400000-create-token-blacklist.js';
import { CREATE_TOKEN_SESSION, CreateTokenSession1764633600000 } from './migrations/1764633600000-create-token-session.js';

/** The module's migrations, oldest first: each a TypeORM migration and the statements it runs. */
export const AUTH_MIGRATION_STEPS = [
  { migration: CreateTokenBlacklist1732406400000, statements: CREATE_TOKEN_BLACKLIST },
  { migration: CreateTokenSession1764633600000, statements: CREATE_TOKEN_SESSION },
] as const;

/** Every table the module uses, with every column it reads or writes: what the start checks. */
export const AUTH_TABLES: Readonly<Record<string, readonly string[]>> = {
  token_blacklist_outstandingtoken: ['id', 'jti', 'user_id', 'created_at', 'expires_at'],
  token_blacklist_blacklistedtoken: ['id', 'token_id', 'blacklisted_at'],
  token_session: [
    'id', 'user_id', 'created_at', 'last_used_at', 'expires_at', 'user_agent', 'ip_address', 'revoked_at', 'revoked_reason',
    'live_jti', 'live_iat', 'live_exp', 'access_jti', 'access_exp', 'parent_jti', 'parent_rotated_at',
  ],
};

/** Serialises the module's migrations across app instances starting at once. */
const MIGRATION_LOCK = 0x73696d706c656a; // 'simplej'

/** The module's tables are missing or incomplete: the message names each gap and the fix. */
export class AuthSchemaError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `AuthModule: the database lacks ${missing.join(', ')}. Apply the module's migrations ` +
        '(AUTH_MIGRATIONS, with your own TypeORM migrations) or pass `runMigrations: true` to AuthModule.forRoot().',
    );
    this.name = 'AuthSchemaError';
  }
}

/** What of AUTH_TABLES the database lacks, as `table x` and `column x.y`; empty when none. */
export async function missingSchema(db: AuthDatabase): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    'schema_columns',
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [Object.keys(AUTH_TABLES)],
  );
  const present = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  const tables = new Set(rows.map((r) => r.table_name));
  const missing: string[] = [];
  for (const [table, columns] of Object.entries(AUTH_TABLES)) {
    if (!tables.has(table)) missing.push(`table ${table}`);
    else for (const column of columns) if (!present.has(`${table}.${column}`)) missing.push(`column ${table}.${column}`);
  }
  return missing;
}

/** Applies every migration statement in one transaction, one instance at a time. */
export async function migrateSchema(db: AuthDatabase): Promise<void> {
  await db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    for (const step of AUTH_MIGRATION_STEPS) for (const statement of step.statements) await client.query(statement);
  });
}

/**
 * At start: with `runMigrations` the module brings its tables up to date; either way it then
 * refuses to start on a database that lacks any of them, naming what is missing, rather than
 * answer the first login with a 500.
 */
@Injectable()
export class AuthSchemaCheck implements OnModuleInit {
  private readonly logger = new Logger('AuthModule');

  constructor(
    private readonly db: AuthDatabase,
    @Inject(AUTH_OPTIONS) private readonly options: Pick<AuthModuleOptions, 'runMigrations'>,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      if (this.options.runMigrations) {
        await migrateSchema(this.db);
        this.logger.log('Token tables are up to date');
      }
      const missing = await missingSchema(this.db);
      if (missing.length > 0) throw new AuthSchemaError(missing);
    } catch (error) {
      // The app will not start: shutdown hooks will not run, so the pool closes here.
      await this.db.close();
      throw error;
    }
  }
}
