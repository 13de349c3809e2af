// The floor: a bare node:http server doing the minimal correct work of each bench scenario, so
// the app's figures can be read as a ratio of what this machine can do at all, in the same run.
//   GET  /api/me/             HS256 verify; FLOOR_AUTH=database: + the user by primary key and
//                             whether its session is live, in one SELECT
//   POST /api/token/refresh/  verify; the whole rotation in one statement: the user's is_active,
//                             the session row's rotation (retry and reuse decided there); sign two
//   POST /api/token/          user by username, argon2 verify, INSERT the session row, sign two
// Environment: PORT, HOST, DATABASE_URL, DATABASE_POOL_SIZE, JWT_SIGNING_KEY, FLOOR_AUTH,
// ACCESS_LIFETIME and REFRESH_LIFETIME (seconds). Tells its parent {ready} over IPC.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { verify as argon2Verify, hash as argon2Hash, Algorithm } from '@node-rs/argon2';
import pg from 'pg';
import { reportEventLoopDelay } from './lib/eld.mjs';
import { hs256, newJti } from './lib/jwt.mjs';
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

const USER_IN_SESSION = {
  name: 'floor_user_in_session',
  text: `SELECT id, username, email, first_name, last_name, is_staff, is_superuser, is_active, last_login, date_joined,
           EXISTS (SELECT 1 FROM token_session s WHERE s.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()) AS live
         FROM auth_user WHERE id = $1`,
};
const LOGIN_BY_USERNAME = {
  name: 'floor_login',
  text: 'SELECT id, password, is_active FROM auth_user WHERE username = $1',
};
const START_SESSION = {
  name: 'floor_start_session',
  text: `INSERT INTO token_session (id, user_id, expires_at, user_agent, ip_address, live_jti, live_iat, live_exp, access_jti, access_exp)
         VALUES ($1, $2, now() + interval '30 days', $3, $4, $5, $6, $7, $8, $9)`,
};
// The rotation as the app decides it (packages/auth/src/sessions/session.repository.ts), reduced to
// what correctness needs: the live token rotates, its parent within the grace window gets the
// live generation again, anything else revokes the session; only for an active user.
const ROTATES = 's.live_jti = $3';
const RETRIES = `(s.parent_jti = $3 AND s.parent_rotated_at > now() - make_interval(secs => ${GRACE_SECONDS}))`;
const REUSED = `(NOT ${ROTATES} AND NOT ${RETRIES})`;
const ROTATE = {
  name: 'floor_rotate',
  text: `WITH u AS (SELECT 1 FROM auth_user WHERE id = $1 AND is_active),
       r AS (
         UPDATE token_session s SET
           parent_jti = CASE WHEN ${ROTATES} THEN s.live_jti ELSE s.parent_jti END,
           parent_rotated_at = CASE WHEN ${ROTATES} THEN now() ELSE s.parent_rotated_at END,
           live_jti = CASE WHEN ${ROTATES} THEN $4 ELSE s.live_jti END,
           live_iat = CASE WHEN ${ROTATES} THEN $6::bigint ELSE s.live_iat END,
           live_exp = CASE WHEN ${ROTATES} THEN $6::bigint + ${REFRESH_LIFETIME} ELSE s.live_exp END,
           access_jti = CASE WHEN ${ROTATES} THEN $5 ELSE s.access_jti END,
           access_exp = CASE WHEN ${ROTATES} THEN $6::bigint + ${ACCESS_LIFETIME} ELSE s.access_exp END,
           last_used_at = now(),
           revoked_at = CASE WHEN ${REUSED} THEN now() END,
           revoked_reason = CASE WHEN ${REUSED} THEN 'reuse' END
         WHERE s.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND EXISTS (SELECT 1 FROM u)
         RETURNING s.revoked_at IS NULL AS ok, s.live_jti, s.live_iat, s.access_jti)
       SELECT (SELECT count(*) FROM u)::int AS users, r.* FROM (SELECT 1) one LEFT JOIN r ON true`,
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

function pair(userId, now, sid) {
  const access = jwt.mint('access', userId, ACCESS_LIFETIME, { now, sid });
  const refresh = jwt.mint('refresh', userId, REFRESH_LIFETIME, { now, sid });
  return { access, refresh };
}

async function me(req, res) {
  const claims = jwt.verify(bearer(req), 'access');
  if (claims === null || !Number.isSafeInteger(claims.user_id)) return unauthorized(res);
  if (stateless) {
    return send(res, 200, { id: claims.user_id, username: '', is_staff: false, is_superuser: false, is_active: true });
  }
  const { rows } = await pool.query({ ...USER_IN_SESSION, values: [claims.user_id, claims.sid] });
  const user = rows[0];
  if (user === undefined || !user.is_active) return send(res, 401, { detail: 'User not found', code: 'user_not_found' });
  if (!user.live) return unauthorized(res);
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
  const now = Math.floor(Date.now() / 1000);
  const { rows } = await pool.query({ ...ROTATE, values: [claims.user_id, claims.sid, claims.jti, newJti(), newJti(), now] });
  const row = rows[0];
  if (row.users === 0) return send(res, 401, { detail: 'No active account found for the given token.', code: 'no_active_account' });
  if (row.ok !== true) return send(res, 401, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  const iat = Number(row.live_iat);
  const sid = claims.sid;
  const access = jwt.mint('access', claims.user_id, ACCESS_LIFETIME, { now: iat, sid, jti: row.access_jti });
  const next = jwt.mint('refresh', claims.user_id, REFRESH_LIFETIME, { now: iat, sid, jti: row.live_jti });
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
  const sid = randomBytes(16).toString('hex');
  const { access, refresh } = pair(user.id, now, sid);
  const agent = String(req.headers['user-agent'] ?? '').slice(0, 512);
  await pool.query({
    ...START_SESSION,
    values: [sid, String(user.id), agent, req.socket.remoteAddress ?? null, refresh.jti, now, refresh.exp, access.jti, access.exp],
  });
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
