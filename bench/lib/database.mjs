// The bench's throwaway PostgreSQL: one embedded cluster (the app's own launcher, from dist/),
// one database per server under test, each migrated and seeded with the same users.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SESSIONS = 'token_session';

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

/** The id and live refresh token of seeded session `i`, as the bench mints its tokens. */
export const seededSession = (i, users = 1000) => ({ sid: md5(`session${i}`), jti: md5(`live${i}`), userId: (i % users) + 1 });

function md5(text) {
  return createHash('md5').update(text).digest('hex');
}

/**
 * Sessions 0..count-1 (session i of user (i % users) + 1, its live refresh token seededSession(i)),
 * each having rotated once, then ANALYZE. Answers the count.
 */
export async function seedSessions(url, count, users) {
  await query(
    url,
    `INSERT INTO ${SESSIONS} (id, user_id, created_at, last_used_at, expires_at, user_agent, ip_address,
                              live_jti, live_iat, live_exp, access_jti, access_exp, parent_jti, parent_rotated_at)
     SELECT md5('session' || i), ((i % $2::int) + 1)::text, now() - interval '1 day', now(), now() + interval '29 days',
            'bench', '127.0.0.1', md5('live' || i), floor(extract(epoch FROM now())), floor(extract(epoch FROM now() + interval '7 days')),
            md5('access' || i), floor(extract(epoch FROM now() + interval '15 minutes')), md5('parent' || i), now() - interval '1 hour'
     FROM generate_series(0, $1::int - 1) i
     ON CONFLICT (id) DO NOTHING`,
    [count, users],
  );
  await query(url, `VACUUM ANALYZE ${SESSIONS}`);
  const { rows } = await query(url, `SELECT count(*)::int AS count FROM ${SESSIONS}`);
  return rows[0].count;
}

/** VACUUM after a round of rotations (each leaves a dead row version behind): every round starts alike. */
export async function vacuumSessions(url) {
  await query(url, `VACUUM ${SESSIONS}`);
}
