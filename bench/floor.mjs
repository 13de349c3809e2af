// The floor: a bare node:http server doing the minimal correct work of each bench scenario, so
// the app's figures can be read as a ratio of what this machine can do at all, in the same run.
//   GET  /api/me/             HS256 verify; FLOOR_AUTH=database: + SELECT the user by primary key
//   POST /api/token/refresh/  verify, user lookup, the app's rotation statement, sign two tokens
//   POST /api/token/          user by username, argon2 verify, INSERT the outstanding row, sign two
// Environment: PORT, HOST, DATABASE_URL, DATABASE_POOL_SIZE, JWT_SIGNING_KEY, FLOOR_AUTH,
// ACCESS_LIFETIME and REFRESH_LIFETIME (seconds). Tells its parent {ready} over IPC.
import { createServer } from 'node:http';
import { verify as argon2Verify, hash as argon2Hash, Algorithm } from '@node-rs/argon2';
import pg from 'pg';
import { reportEventLoopDelay } from './lib/eld.mjs';
import { hs256 } from './lib/jwt.mjs';
import { serveProfiler } from './lib/profiler.mjs';

reportEventLoopDelay();
serveProfiler();

const env = process.env;
const jwt = hs256(env.JWT_SIGNING_KEY);
const stateless = env.FLOOR_AUTH === 'stateless';
const ACCESS_LIFETIME = Number(env.ACCESS_LIFETIME ?? 3600);
const REFRESH_LIFETIME = Number(env.REFRESH_LIFETIME ?? 7 * 86400);
const GRACE_SECONDS = 30;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_SIZE ?? 10) });

const USER_BY_ID = {
  name: 'floor_user_by_id',
  text: `SELECT id, username, email, first_name, last_name, is_staff, is_superuser, is_active, last_login, date_joined
         FROM auth_user WHERE id = $1`,
};
const ACTIVE_BY_ID = { name: 'floor_active_by_id', text: 'SELECT is_active FROM auth_user WHERE id = $1' };
const LOGIN_BY_USERNAME = {
  name: 'floor_login',
  text: 'SELECT id, password, is_active FROM auth_user WHERE username = $1',
};
const OUTSTAND = {
  name: 'floor_outstand',
  text: `INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at, session_id)
         VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $1)`,
};
// The statement of packages/auth/src/blacklist/blacklist.repository.ts `rotate`, verbatim.
const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';
const UPSERT_OLD = `
  INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
  VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $1)
  ON CONFLICT (jti) DO UPDATE SET jti = EXCLUDED.jti
  RETURNING id, session_id`;
const ROTATE = {
  name: 'floor_rotate',
  text: `WITH old AS (${UPSERT_OLD}),
       won AS (
         INSERT INTO ${BLACKLISTED} (token_id, blacklisted_at)
         SELECT id, now() FROM old
         ON CONFLICT (token_id) DO NOTHING
         RETURNING token_id),
       successor AS (
         INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
         SELECT $5, $2, to_timestamp($6), to_timestamp($7), old.session_id FROM old JOIN won ON won.token_id = old.id
         RETURNING id)
       SELECT EXISTS (SELECT 1 FROM successor) AS rotated`,
};

const dummyHash = argon2Hash('dummy password that matches nothing', {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const unauthorized = (res) => send(res, 401, { detail: 'Given token not valid for any token type', code: 'token_not_valid' });

function bearer(req) {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
  return header.slice(7);
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= 1 << 20) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(size <= 1 << 20 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null);
      } catch {
        resolve(null);
      }
    });
  });
}

function pair(userId, now) {
  const access = jwt.mint('access', userId, ACCESS_LIFETIME, now);
  const refresh = jwt.mint('refresh', userId, REFRESH_LIFETIME, now);
  return { access, refresh };
}

async function me(req, res) {
  const claims = jwt.verify(bearer(req), 'access');
  if (claims === null || !Number.isSafeInteger(claims.user_id)) return unauthorized(res);
  if (stateless) {
    return send(res, 200, { id: claims.user_id, username: '', is_staff: false, is_superuser: false, is_active: true });
  }
  const { rows } = await pool.query({ ...USER_BY_ID, values: [claims.user_id] });
  const user = rows[0];
  if (user === undefined || !user.is_active) return send(res, 401, { detail: 'User not found', code: 'user_not_found' });
  send(res, 200, {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    is_staff: user.is_staff,
    is_superuser: user.is_superuser,
    is_active: user.is_active,
    last_login: user.last_login ? user.last_login.toISOString() : null,
    date_joined: user.date_joined.toISOString(),
  });
}

async function refresh(req, res) {
  const body = await readJson(req);
  const claims = jwt.verify(body?.refresh, 'refresh');
  if (claims === null || !Number.isSafeInteger(claims.user_id)) {
    return send(res, 401, { detail: 'Token is invalid', code: 'token_not_valid' });
  }
  const { rows: users } = await pool.query({ ...ACTIVE_BY_ID, values: [claims.user_id] });
  if (users[0]?.is_active !== true) return send(res, 401, { detail: 'No active account found for the given token.', code: 'no_active_account' });
  const now = Math.floor(Date.now() / 1000);
  const access = jwt.mint('access', claims.user_id, ACCESS_LIFETIME, now);
  const next = jwt.mint('refresh', claims.user_id, REFRESH_LIFETIME, now);
  const userId = String(claims.user_id);
  const { rows } = await pool.query({
    ...ROTATE,
    values: [claims.jti, userId, claims.iat, claims.exp, next.jti, next.iat, next.exp],
  });
  if (rows[0]?.rotated !== true) return send(res, 401, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  send(res, 200, { access: access.token, refresh: next.token });
}

async function obtain(req, res) {
  const body = await readJson(req);
  const username = body?.username;
  const password = body?.password;
  if (typeof username !== 'string' || typeof password !== 'string') return send(res, 400, { detail: 'username and password required' });
  const { rows } = await pool.query({ ...LOGIN_BY_USERNAME, values: [username] });
  const user = rows[0];
  let ok = false;
  if (user === undefined) {
    await argon2Verify(await dummyHash, password).catch(() => false);
  } else if (user.password.startsWith('argon2$argon2id$')) {
    ok = await argon2Verify(user.password.slice('argon2'.length), password).catch(() => false);
  }
  if (!ok || !user.is_active) {
    return send(res, 401, { detail: 'No active account found with the given credentials', code: 'no_active_account' });
  }
  const now = Math.floor(Date.now() / 1000);
  const { access, refresh } = pair(user.id, now);
  await pool.query({ ...OUTSTAND, values: [refresh.jti, String(user.id), refresh.iat, refresh.exp] });
  send(res, 200, { refresh: refresh.token, access: access.token });
}

const server = createServer((req, res) => {
  let work;
  if (req.url === '/api/me/' && req.method === 'GET') work = me(req, res);
  else if (req.url === '/api/token/refresh/' && req.method === 'POST') work = refresh(req, res);
  else if (req.url === '/api/token/' && req.method === 'POST') work = obtain(req, res);
  else return send(res, 404, { detail: 'Not found.' });
  work.catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, { detail: 'A server error occurred.' });
  });
});
server.keepAliveTimeout = 60_000;

// Open the pool's connections before saying ready, as the app does at start.
await Promise.all(Array.from({ length: Number(env.DATABASE_POOL_SIZE ?? 10) }, () => pool.query('SELECT 1')));
await dummyHash;
server.listen(Number(env.PORT), env.HOST ?? '127.0.0.1', () => process.send?.({ ready: true }));

const stop = () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
