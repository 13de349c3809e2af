import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sleep } from './server-process.js';

/** The migrated database global-setup.mjs makes for the run. */
const TEMPLATE = 'app_test_template';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const created: string[] = [];

/** A new database with every migration applied (a clone of the template), for this spec file. */
export async function freshDatabase(): Promise<string> {
  return newDatabase(TEMPLATE);
}

/** A new database with no tables at all. */
export async function emptyDatabase(): Promise<string> {
  return newDatabase('template0');
}

async function newDatabase(template: string): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  created.push(name);
  return withDatabase(adminUrl(), name);
}

/** Runs `work` with a client connected to the cluster's maintenance database. */
export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one query on a database. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Refuses (or allows again) new connections to the database at `url`, closing its open ones. */
export async function allowConnections(url: string, allowed: boolean): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin(async (client) => {
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(name)} ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed) {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    }
  });
}

/** Drops the databases this file created (they matter on a shared TEST_DATABASE_URL server). */
export async function dropDatabases(): Promise<void> {
  while (created.length > 0) {
    const name = created.pop()!;
    await admin(async (client) => {
      // A pool ended a moment ago has sent its Terminate, but its backends may not have left yet;
      // FORCE would end them with an error their client (still listening) reports as unhandled.
      // So give them up to 2 s to go on their own, and force only what is left after that.
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline) {
        const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        if (rows[0].n === 0) break;
        await sleep(20);
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  }
}

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_URL;
  if (!url) throw new Error('TEST_ADMIN_URL is not set: run the specs through jest (globalSetup)');
  return url;
}
