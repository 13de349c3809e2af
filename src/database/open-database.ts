import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { migrate, pendingMigrations } from './data-source.js';

/**
 * The database the configuration names: DATABASE_URL, or the embedded PostgreSQL under
 * DATA_DIR. Applies pending migrations when DATABASE_MIGRATE_ON_START says so.
 */
export async function openDatabase(config: AppConfig, logger = new Logger('Database')): Promise<EmbeddedDatabase> {
  let database: EmbeddedDatabase;
  if (config.databaseUrl !== null) {
    database = { url: config.databaseUrl, owned: false, stop: async () => {} };
  } else {
    const started = Date.now();
    database = await startEmbeddedPostgres({
      dir: config.dataDir,
      database: 'app',
      log: (line) => logger.debug(line),
      detached: true, // a Ctrl-C reaches the app, which drains before it stops PostgreSQL
    });
    logger.log(
      database.owned
        ? `Embedded PostgreSQL started in ${Date.now() - started} ms (data in ${database.dataDirectory})`
        : 'Using the embedded PostgreSQL that is already running',
    );
  }
  try {
    if (config.migrateOnStart) {
      for (const name of await migrate(database.url)) logger.log(`Applied migration ${name}`);
    } else {
      const pending = await pendingMigrations(database.url);
      if (pending.length > 0) throw new UnmigratedDatabase(pending);
    }
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

/** The app will not serve a schema it does not know: every request would fail. */
export class UnmigratedDatabase extends Error {
  constructor(readonly pending: string[]) {
    super(
      `The database is not migrated: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
        'Run `node dist/cli.js migrate` (npm run cli -- migrate), or set DATABASE_MIGRATE_ON_START=true.',
    );
    this.name = 'UnmigratedDatabase';
  }
}
