// The bench's throwaway PostgreSQL: one embedded cluster (the app's own launcher, from dist/),
// one database per server under test, each migrated and seeded with the same users.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';

export const username = (i) => 'bench' + String(i).padStart(4, '0');

export async function startCluster(root) {
  const { startEmbeddedPostgres } = await import(new URL('dist/database/embedded-postgres.js', root).href);
  const dir = mkdtempSync(join(tmpdir(), 'nest-simplejwt-bench-'));
  chmodSync(dir, 0o755); // as root PostgreSQL runs as the postgres user, who must reach it
  let db;
  try {
    db = await startEmbeddedPostgres({ dir, database: 'bench_admin', fast: true, ephemeral: true });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const urlOf = (name) => {
    const url = new URL(db.url);
    url.pathname = '/' + name;
    return url.href;
  };
  return {
    dir,
    stop: () => db.stop(),
    /** Creates, migrates and seeds database `name` with `users` users sharing `passwordHash`. */
    async create(name) {
      await query(db.url, `CREATE DATABASE ${name}`);
      const url = urlOf(name);
      const { migrate } = await import(new URL('dist/database/data-source.js', root).href);
      await migrate(url);
      return url;
    },
  };
}

export async function query(url, text, values) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Creates one user through the app's CLI and answers the password hash it stored. */
export async function hashFromCli(root, url, password) {
  await run(process.execPath, ['dist/cli.js', 'createuser', '--username', username(1), '--password', password], {
    cwd: new URL('.', root).pathname,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
  });
  const { rows } = await query(url, 'SELECT password FROM auth_user WHERE username = $1', [username(1)]);
  return rows[0].password;
}

/** Users bench0001..benchNNNN with ids 1..N, all with the same password hash. */
export async function seedUsers(url, count, passwordHash) {
  await query(
    url,
    `INSERT INTO auth_user (id, password, username, email)
     SELECT i, $1, 'bench' || lpad(i::text, 4, '0'), 'bench' || i || '@example.com' FROM generate_series(1, $2::int) i
     ON CONFLICT DO NOTHING`,
    [passwordHash, count],
  );
  await query(url, `SELECT setval(pg_get_serial_sequence('auth_user', 'id'), $1::int)`, [count]);
}

/**
 * `count` outstanding tokens of `users` users, in sessions of four of which the first three
 * are blacklisted (what rotation leaves behind), then ANALYZE. Answers the highest id.
 */
export async function fillOutstanding(url, count, users) {
  await query(
    url,
    `INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
     SELECT md5('seed' || i), ((i % $2::int) + 1)::text, now() - interval '1 day', now() + interval '6 days',
            md5('session' || (i / 4))
     FROM generate_series(1, $1::int) i`,
    [count, users],
  );
  await query(
    url,
    `INSERT INTO ${BLACKLISTED} (token_id, blacklisted_at)
     SELECT id, now() - interval '1 day' FROM ${OUTSTANDING} WHERE id % 4 <> 0`,
  );
  await query(url, `VACUUM ANALYZE ${OUTSTANDING}`);
  await query(url, `VACUUM ANALYZE ${BLACKLISTED}`);
  const { rows } = await query(url, `SELECT coalesce(max(id), 0)::bigint AS max, count(*)::int AS count FROM ${OUTSTANDING}`);
  return { maxId: Number(rows[0].max), count: rows[0].count };
}

/** Deletes the tokens recorded after `maxId` (their blacklist rows go with them), then VACUUM. */
export async function trimOutstanding(url, maxId) {
  await query(url, `DELETE FROM ${OUTSTANDING} WHERE id > $1`, [maxId]);
  await query(url, `VACUUM ${OUTSTANDING}`);
  await query(url, `VACUUM ${BLACKLISTED}`);
}

export async function countOutstanding(url) {
  const { rows } = await query(url, `SELECT count(*)::int AS n FROM ${OUTSTANDING}`);
  return rows[0].n;
}
