import { DataSource, type DataSourceOptions } from 'typeorm';
import { AUTH_ENTITIES, AUTH_MIGRATIONS, databasePoolOptions, type DatabaseTimeouts } from '@nest-simplejwt/auth';
import { CreateNotes1732406500000 } from '../notes/migrations/1732406500000-create-notes.js';
import { Note } from '../notes/note.entity.js';
import { User } from '../users/user.entity.js';
import { CreateAuthUser1732406300000 } from '../users/migrations/1732406300000-create-auth-user.js';

export const ENTITIES = [User, ...AUTH_ENTITIES, Note];

/** Every migration, in the order their timestamps give. */
export const MIGRATIONS = [CreateAuthUser1732406300000, ...AUTH_MIGRATIONS, CreateNotes1732406500000].sort(
  (a, b) => timestampOf(a.name) - timestampOf(b.name),
);

function timestampOf(name: string): number {
  return Number(/\d{13}$/.exec(name)?.[0] ?? 0);
}

/** Migrations and tools: no statement timeout (building an index may take a while). */
const UNBOUNDED: DatabaseTimeouts = { statementMs: 0, poolMs: 5000 };

/**
 * TypeORM options for the app: migrations only, never synchronize. `timeouts` bound every wait
 * on PostgreSQL (DATABASE_STATEMENT_TIMEOUT, DATABASE_POOL_TIMEOUT), so a database that is down,
 * cut off or stuck is a 503 within them, not a hang.
 */
export function dataSourceOptions(url: string, poolSize = 10, timeouts: DatabaseTimeouts = UNBOUNDED): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, ...databasePoolOptions(timeouts) },
  };
}

/** Applies pending migrations; returns their names. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Names of the migrations not yet applied. */
export async function pendingMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    const applied = new Set<string>();
    const table = await dataSource.query(`SELECT to_regclass('typeorm_migrations') AS name`);
    if (table[0]?.name) for (const row of await dataSource.query('SELECT name FROM typeorm_migrations')) applied.add(row.name);
    return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
  } finally {
    await dataSource.destroy();
  }
}
