import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import { databaseUnavailability } from './database-errors.js';
import { databasePoolOptions, databaseTimeouts, type DatabaseTimeouts } from './database-timeouts.js';
import { PreparedQuery, type RowShapes } from './prepared-query.js';
import { values, type Statement } from './statement.js';

/**
 * Where the module keeps its tables: a TypeORM DataSource (its pool is shared), a pg Pool, or a
 * PostgreSQL connection URL (the module then opens and closes a pool of its own).
 */
export type AuthDatabaseSource = DataSource | pg.Pool | string;

export interface QueryOutcome<T> {
  readonly rows: T[];
  readonly rowCount: number;
}

/**
 * The module's PostgreSQL: every statement is a named prepared statement on one pg pool, parsed
 * and planned once per connection, without an ORM's per-query work (measured in BENCHMARKS.md:
 * most of the app's overhead on refresh was TypeORM's query runner).
 */
@Injectable()
export class AuthDatabase implements OnApplicationShutdown {
  private resolved?: pg.Pool;
  private owned = false;
  /** Connections that have this module's 'error' listener. */
  private readonly watched = new WeakSet<pg.PoolClient>();
  private readonly shapes: RowShapes = new Map();
  /** Checked at construction, so a bad value stops the start naming the option. */
  private readonly timeouts: DatabaseTimeouts;

  constructor(
    @Inject(AUTH_OPTIONS)
    private readonly options: Pick<AuthModuleOptions, 'database' | 'databaseStatementTimeout' | 'databasePoolTimeout'>,
    private readonly moduleRef?: ModuleRef,
  ) {
    this.timeouts = databaseTimeouts(options);
  }

  /** A database over `source`, outside Nest (the CLI, scripts). */
  static of(source: AuthDatabaseSource): AuthDatabase {
    return new AuthDatabase({ database: source });
  }

  /** The pg pool, found on first use (a DataSource is initialised by then). */
  get pool(): pg.Pool {
    this.resolved ??= this.resolve();
    return this.resolved;
  }

  /**
   * Runs the named prepared statement `name` on a connection of the pool. What pool.query does,
   * without its per-query copies, promises and listeners (see PreparedQuery): a connection whose
   * query failed is not reused, as pool.query has it.
   */
  query<T extends pg.QueryResultRow>(name: string, text: string, values: unknown[] = []): Promise<QueryOutcome<T>> {
    return new Promise((resolve, reject) => {
      this.pool.connect((connectError, client, release) => {
        if (connectError || client === undefined) return reject(connectError ?? new Error('AuthModule: the pool gave no connection'));
        if (!this.watched.has(client)) {
          // A connection that fails mid-query fails the query (its callback below); the
          // 'error' event it also emits must have a listener, or it would end the process.
          client.on('error', () => {});
          this.watched.add(client);
        }
        const query = new PreparedQuery(`simplejwt_${name}`, text, values, this.shapes);
        try {
          client.query(query as unknown as pg.QueryConfig, (error: Error | undefined, result: pg.QueryResult<T>) => {
            release(error);
            if (error) reject(error);
            else resolve({ rows: result.rows, rowCount: result.rowCount ?? 0 });
          });
        } catch (error) {
          // As pool.query: a client that throws goes back as broken.
          release(error as Error);
          reject(error);
        }
      });
    });
  }

  /** Runs a statement with named parameters (see statement.ts), after any leading positional ones. */
  run<T extends pg.QueryResultRow>(statement: Statement, named: Record<string, unknown>, leading: unknown[] = []): Promise<QueryOutcome<T>> {
    return this.query<T>(statement.name, statement.text, values(statement, named, leading));
  }

  /** Runs `work` on one connection inside a transaction. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection lost mid-transaction is an 'error' event; unheard, it would end the process.
    const lost = () => {};
    client.on('error', lost);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (databaseUnavailability(error) !== null) broken = error as Error; // not reused
      else await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }

  /** Closes the pool when the module opened it (from a URL); a shared one is its owner's to close. */
  async close(): Promise<void> {
    const pool = this.resolved;
    this.resolved = undefined;
    if (this.owned && pool) await pool.end();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private resolve(): pg.Pool {
    const source = this.options.database ?? this.defaultDataSource();
    if (typeof source === 'string') {
      this.owned = true;
      const pool = new pg.Pool({ connectionString: source, ...databasePoolOptions(this.timeouts) });
      // An idle connection the server ends (a restart, a failover) must not crash the process;
      // the requests that find the database away say so (DatabaseAvailability), once.
      pool.on('error', (error) => new Logger('AuthDatabase').debug(`An idle database connection failed: ${error.message}`));
      return pool;
    }
    if (source instanceof pg.Pool) return source;
    if (source.options.type !== 'postgres') {
      throw new Error(`AuthModule: the database must be PostgreSQL (the DataSource given is ${source.options.type})`);
    }
    const pool = (source.driver as unknown as { master?: pg.Pool }).master;
    if (!pool) throw new Error('AuthModule: the TypeORM DataSource given is not initialised');
    return pool;
  }

  private defaultDataSource(): DataSource {
    try {
      const found = this.moduleRef?.get(DataSource, { strict: false });
      if (found) return found;
    } catch {
      // none registered: say what to do below
    }
    throw new Error(
      'AuthModule: no database. Give the module `database` (a TypeORM DataSource, a pg Pool or a PostgreSQL URL), ' +
        'or import TypeOrmModule.forRoot() for PostgreSQL in the same app.',
    );
  }
}
