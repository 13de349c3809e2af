// npm run bench [-- --quick] [-- --scale] [-- --profile=get-db,refresh]
//
// Builds nothing itself (npm run bench builds first). Starts one throwaway embedded PostgreSQL,
// the app (dist/main.js, through bench/app-wrapper.mjs) and the floor (bench/floor.mjs: bare
// node:http doing the minimal correct work of each scenario), drives both from this process in
// interleaved rounds, and reports req/s, p50, p99 and the app/floor ratio per scenario, the app's
// peak RSS and event-loop delay. Writes bench/results/latest.json, bench/chart.svg and the
// figures in BENCHMARKS.md. See BENCHMARKS.md for what each figure means.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hs256 } from './lib/jwt.mjs';
import { runLoad, median } from './lib/load.mjs';
import { hashFromCli, query, seededSession, seedSessions, seedUsers, startCluster, vacuumSessions, username } from './lib/database.mjs';
import {
  cpuSeconds,
  eventLoopDelay,
  freePort,
  killAllNow,
  peakRssMb,
  readyHttp,
  rssMb,
  readyMessage,
  startNode,
  stop,
  stopAll,
} from './lib/processes.mjs';
import { formatSummary, summarize } from './lib/profile.mjs';
import {
  chartSvg,
  COST_HEADER,
  costRows,
  MAIN_HEADER,
  mainRows,
  replaceSection,
  RESOURCE_HEADER,
  resourceRows,
  resultsMarkdown,
  SCALE_HEADER,
  scaleMarkdown,
  scaleRows,
  textTable,
} from './lib/report.mjs';

const ROOT = new URL('../', import.meta.url);
const path = (relative) => fileURLToPath(new URL(relative, ROOT));

// ---------------------------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
function option(name, fallback) {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return fallback;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
}
if (flag('help')) {
  console.log(`npm run bench -- [options]
  --quick            short rounds (2 s, 1 s warm-up): a smoke run; writes bench/results/quick.json only
  --scale            also the scale checks: refresh with 1M vs 1k outstanding rows, GET p99 under a login flood
  --only=ID,...      only these scenarios (get-stateless, get-db, refresh, obtain; with --scale also
                     refresh-scale, flood)
  --profile=ID,...   instead of comparing: CPU-profile the floor and the app under these scenarios ("all": every one)
  --rounds=N         rounds per server and scenario (default 3)
  --duration=S       seconds per round (default 10)
  --warmup=S         seconds of warm-up per server and scenario (default 3)
  --render           no measuring: re-render bench/chart.svg and BENCHMARKS.md from bench/results/latest.json
  --app-node-options="..."  node flags for the app instead of those npm start uses, to try a tuning
  --app-env=NAME=value,...  more environment for the app, e.g. --app-env=LOG_LEVEL=log,ACCESS_LOG=false
                     (its stdout goes to the bench, which keeps its last 8 KB)`);
  process.exit(0);
}
const QUICK = flag('quick');
const SCALE = flag('scale');
const ROUNDS = Number(option('rounds', 3));
const DURATION = Number(option('duration', QUICK ? 2 : 10));
const WARMUP = Number(option('warmup', QUICK ? 1 : 3));
const ONLY = option('only', null)?.split(',');
const PROFILE = option('profile', null);
/**
 * The app runs with the node flags `npm start` gives it (package.json), so what is measured is
 * what is shipped; --app-node-options replaces them to try a tuning.
 */
const START_NODE_OPTIONS = /\bnode((?: --[^ ]+)*) dist\/main\.js/.exec(JSON.parse(readFileSync(path('package.json'), 'utf8')).scripts.start)?.[1].trim().split(' ').filter(Boolean) ?? [];
const TRYING_NODE_OPTIONS = option('app-node-options', null);
const APP_NODE_OPTIONS = TRYING_NODE_OPTIONS === null ? START_NODE_OPTIONS : TRYING_NODE_OPTIONS.split(' ').filter(Boolean);
/** --app-env: settings to try (LOG_LEVEL=log with the access log on, say); the bench's own settings win. */
const TRYING_APP_ENV = option('app-env', null);
const APP_ENV = Object.fromEntries((TRYING_APP_ENV ?? '').split(',').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

const USERS = 1000;
/** One session per user for the GET tokens, and room for every refresh chain of a run. */
const SEEDED_SESSIONS = 20_000;
const PASSWORD = 'bench-password-1';
const POOL_SIZE = 10;
const SIGNING_KEY = randomBytes(48).toString('base64url');
const ACCESS_LIFETIME = 6 * 3600;
const REFRESH_LIFETIME = 7 * 86400;
const CONNECTIONS = { get: 32, refresh: 32, obtain: 16, floodGet: 8, floodLogin: 16 };
const TARGETS = { rssMb: 200, refreshScale: 1.3, flood: 3 };
const jwt = hs256(SIGNING_KEY);

const log = (line) => process.stderr.write(line + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// -------------------------------------------------------------------------------- scenarios
/** Each connection: a GET /api/me/ with its own user's access token, in that user's seeded session. */
function getClient() {
  return (i) => {
    const session = seededSession(i % USERS, USERS);
    return {
      method: 'GET',
      path: '/api/me/',
      headers: { authorization: `Bearer ${jwt.mint('access', session.userId, ACCESS_LIFETIME, { sid: session.sid }).token}` },
    };
  };
}

/** Seeded sessions 0..USERS-1 carry the GET tokens; refresh chains take the ones after, each once. */
const cursors = new Map();
function nextSession(databaseUrl) {
  const i = cursors.get(databaseUrl) ?? USERS;
  cursors.set(databaseUrl, i + 1);
  return seededSession(i, USERS);
}

/**
 * Each connection: a refresh chain in a session of its own (its live token minted by the bench),
 * every request made with the token the last answer gave.
 */
function refreshClient(server) {
  return () => {
    const fresh = () => {
      const session = nextSession(server.databaseUrl);
      return jwt.mint('refresh', session.userId, REFRESH_LIFETIME, { sid: session.sid, jti: session.jti }).token;
    };
    return {
      chain: true,
      method: 'POST',
      path: '/api/token/refresh/',
      headers: { 'content-type': 'application/json' },
      context: { refresh: fresh() },
      body: (ctx) => JSON.stringify({ refresh: ctx.refresh }),
      onResponse(status, body, ctx) {
        if (status === 200) ctx.refresh = JSON.parse(body).refresh;
        else ctx.refresh = fresh(); // a broken chain (counted as non-2xx) starts again
      },
    };
  };
}

/** Each connection: POST /api/token/ with its own user's credentials. */
function obtainClient() {
  return (i) => ({
    method: 'POST',
    path: '/api/token/',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: username((i % USERS) + 1), password: PASSWORD }),
  });
}

const SCENARIOS = [
  { id: 'get-stateless', mode: 'stateless', title: 'Authenticated GET, stateless mode', short: 'GET stateless', target: 0.6, connections: CONNECTIONS.get, client: getClient },
  { id: 'get-db', mode: 'database', title: 'Authenticated GET, database mode', short: 'GET database', target: 0.55, connections: CONNECTIONS.get, client: getClient },
  { id: 'refresh', mode: 'database', title: 'Refresh rotation (chains)', short: 'refresh chains', target: 0.6, connections: CONNECTIONS.refresh, client: refreshClient },
  { id: 'obtain', mode: 'database', title: 'Obtain pair (argon2id)', short: 'obtain pair', target: null, connections: CONNECTIONS.obtain, client: obtainClient },
];

// -------------------------------------------------------------------------------- processes
let cluster = null;
let snapshot = null;
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    await stopAll(5000);
    await cluster?.stop().catch((error) => log(`stopping PostgreSQL: ${error.message}`));
    removeSnapshot();
  })();
  return cleaning;
}

/**
 * A private copy of dist/ (with package.json, and node_modules linked), so that a rebuild of the
 * work tree during the run (someone else's `npm test`) cannot change or delete the app under test.
 */
function snapshotDist() {
  if (!existsSync(path('dist/main.js')) || !existsSync(path('dist/cli.js'))) {
    throw new Error('dist/ is missing or incomplete: run `npm run bench` (it builds first) or `npm run build`');
  }
  const dir = mkdtempSync(join(tmpdir(), 'nest-simplejwt-bench-app-'));
  cpSync(path('dist'), join(dir, 'dist'), { recursive: true });
  cpSync(path('package.json'), join(dir, 'package.json'));
  // node_modules linked entry by entry, but the AuthModule package (a link into this work tree)
  // copied, so its build is frozen as well.
  mkdirSync(join(dir, 'node_modules/@nest-simplejwt'), { recursive: true });
  for (const entry of readdirSync(path('node_modules'))) {
    if (entry !== '@nest-simplejwt') symlinkSync(path(`node_modules/${entry}`), join(dir, 'node_modules', entry));
  }
  const auth = join(dir, 'node_modules/@nest-simplejwt/auth');
  cpSync(path('packages/auth/package.json'), join(auth, 'package.json'));
  cpSync(path('packages/auth/dist'), join(auth, 'dist'), { recursive: true });
  if (!existsSync(join(dir, 'dist/main.js')) || !existsSync(join(auth, 'dist/index.js'))) {
    throw new Error('dist/ changed while being copied: run the bench again');
  }
  return { dir, root: new URL(`file://${dir}/`), main: join(dir, 'dist/main.js') };
}

function removeSnapshot() {
  if (snapshot) rmSync(snapshot.dir, { recursive: true, force: true });
  snapshot = null;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`\n${signal}: stopping every server this bench started`);
    cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  killAllNow();
  if (cluster) killPostmaster(cluster.dir);
  removeSnapshot();
});

/** Last resort on an abrupt exit: PostgreSQL's fast shutdown, by the PID it wrote. */
function killPostmaster(dir) {
  try {
    const pid = Number(readFileSync(`${dir}/postgres/postmaster.pid`, 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
  } catch {}
}

function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    const ours = k.startsWith('JWT_') || k.startsWith('DATABASE_') || k.startsWith('THROTTLE_');
    if (!ours && !['PORT', 'HOST', 'NODE_ENV', 'LOG_LEVEL', 'NUM_PROXIES', 'OPENAPI_PATH'].includes(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

async function memoryAtStart(child) {
  const eld = await eventLoopDelay(child, false);
  return { startRssMb: rssMb(child.pid), startHeapMb: eld?.heapTotalMb ?? null };
}

async function startApp(mode, databaseUrl, name) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startNode(
    name,
    [path('bench/app-wrapper.mjs')],
    childEnv({
      LOG_LEVEL: 'warn',
      ...APP_ENV,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      DATABASE_MIGRATE_ON_START: 'false',
      DATA_DIR: `${cluster.dir}/app-data`,
      BENCH_APP_MAIN: snapshot.main,
      JWT_SIGNING_KEY: SIGNING_KEY,
      JWT_ACCESS_TOKEN_LIFETIME: String(ACCESS_LIFETIME),
      JWT_REFRESH_TOKEN_LIFETIME: String(REFRESH_LIFETIME),
      JWT_AUTHENTICATION_CLASS: mode === 'stateless' ? 'JWTStatelessUserAuthentication' : 'JWTAuthentication',
      // The floor has no throttle, and a throttled run measures 429s: the bench turns it off.
      THROTTLE_RATES: 'off',
    }),
    { ready: () => readyHttp(`${url}/api/health/`), nodeOptions: APP_NODE_OPTIONS },
  );
  return { name, kind: 'app', url, databaseUrl, child, ...(await memoryAtStart(child)) };
}

async function startFloor(mode, databaseUrl, name) {
  const port = await freePort();
  const child = await startNode(
    name,
    [path('bench/floor.mjs')],
    childEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      JWT_SIGNING_KEY: SIGNING_KEY,
      FLOOR_AUTH: mode,
      ACCESS_LIFETIME: String(ACCESS_LIFETIME),
      REFRESH_LIFETIME: String(REFRESH_LIFETIME),
    }),
    { ready: readyMessage },
  );
  return { name, kind: 'floor', url: `http://127.0.0.1:${port}`, databaseUrl, child, ...(await memoryAtStart(child)) };
}

// ------------------------------------------------------------------------------- measuring
/** One round against one server: load, its CPU time, the app's event-loop delay. */
async function measure(server, scenario, duration, client = scenario.client(server)) {
  const pid = server.child.pid;
  await eventLoopDelay(server.child, true);
  const cpuBefore = cpuSeconds(pid);
  const ownBefore = process.cpuUsage();
  const result = await runLoad({ url: server.url, duration, connections: scenario.connections, client });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const own = process.cpuUsage(ownBefore);
  result.loadCpuPct = Math.round((own.user + own.system) / 1e4 / result.seconds);
  const answered = result.ok + result.non2xx;
  result.cpuPct = Math.round((cpu / result.seconds) * 100);
  result.cpuUsPerReq = answered > 0 ? Math.round((cpu / answered) * 1e6) : null;
  const eld = await eventLoopDelay(server.child, true);
  result.eldP99 = eld?.p99 ?? null;
  result.eldMax = eld?.max ?? null;
  result.heapTotalMb = eld?.heapTotalMb ?? null;
  result.externalMb = eld?.externalMb ?? null;
  result.rssMb = rssMb(pid);
  return result;
}

function describe(r) {
  const extra = r.non2xx + r.errors > 0 ? `, ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors` : '';
  const eld = r.eldP99 !== undefined ? `, ELD p99 ${r.eldP99} ms` : '';
  return `${r.rps.toLocaleString('en-US')} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, CPU ${r.cpuPct}% (load generator ${r.loadCpuPct}%)${eld}${extra}`;
}

function summary(rounds) {
  const pick = (key) => median(rounds.map((r) => r[key]));
  return {
    rps: pick('rps'),
    p50: pick('p50'),
    p99: pick('p99'),
    cpuPct: pick('cpuPct'),
    loadCpuPct: pick('loadCpuPct'),
    cpuUsPerReq: pick('cpuUsPerReq'),
    eldP99: pick('eldP99'),
    eldMax: pick('eldMax'),
    errors: rounds.reduce((n, r) => n + r.non2xx + r.errors, 0),
  };
}

/** Warm-up, then floor, app, floor, app... for ROUNDS rounds; the median round of each. */
async function compare(scenario, floor, app) {
  log(`\n[${scenario.id}] ${scenario.title}: warm-up ${WARMUP} s each`);
  for (const server of [floor, app]) await measure(server, scenario, WARMUP);
  const rounds = { floor: [], app: [] };
  for (let i = 1; i <= ROUNDS; i++) {
    for (const server of [floor, app]) {
      const result = await measure(server, scenario, DURATION);
      rounds[server.kind].push(result);
      log(`[${scenario.id}] round ${i}/${ROUNDS} ${server.kind.padEnd(5)} ${describe(result)}`);
    }
  }
  const f = { ...summary(rounds.floor), peakRssMb: peakRssMb(floor.child.pid) };
  const a = { ...summary(rounds.app), peakRssMb: peakRssMb(app.child.pid) };
  const ratio = f.rps > 0 ? Math.round((a.rps / f.rps) * 100) / 100 : null;
  return {
    id: scenario.id,
    title: scenario.title,
    short: scenario.short,
    target: scenario.target,
    ratio,
    met: scenario.target === null ? null : ratio !== null && ratio >= scenario.target,
    floor: f,
    app: a,
    rounds,
  };
}

// ----------------------------------------------------------------------------------- checks
async function call(server, method, route, { token, body } = {}) {
  const response = await fetch(server.url + route, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text };
}

function expect(condition, message) {
  if (!condition) throw new Error(`sanity check failed: ${message}`);
}

/**
 * Before measuring: both servers answer every scenario correctly, with the same shapes, and
 * accept each other's tokens (same key, same claims), and a rotated refresh token is refused.
 */
async function sanity(mode, floor, app) {
  const access = jwt.mint('access', 7, ACCESS_LIFETIME, { sid: seededSession(6, USERS).sid }).token;
  const shapes = {};
  for (const server of [floor, app]) {
    const me = await call(server, 'GET', '/api/me/', { token: access });
    expect(me.status === 200 && me.json?.id === 7, `${server.name} GET /api/me/ answered ${me.status} ${me.text}`);
    shapes[server.kind] = Object.keys(me.json).sort().join(',');
    const anonymous = await call(server, 'GET', '/api/me/');
    expect(anonymous.status === 401, `${server.name} GET /api/me/ without a token answered ${anonymous.status}`);
    const forged = await call(server, 'GET', '/api/me/', { token: access.slice(0, -2) + (access.endsWith('A') ? 'BB' : 'AA') });
    expect(forged.status === 401, `${server.name} accepted a forged signature`);
  }
  expect(shapes.floor === shapes.app, `GET /api/me/ bodies differ: floor {${shapes.floor}} app {${shapes.app}}`);
  if (mode !== 'database') return;
  for (const server of [floor, app]) {
    const pair = await call(server, 'POST', '/api/token/', { body: { username: username(3), password: PASSWORD } });
    expect(pair.status === 200 && pair.json?.access && pair.json?.refresh, `${server.name} POST /api/token/ answered ${pair.status} ${pair.text}`);
    const wrong = await call(server, 'POST', '/api/token/', { body: { username: username(3), password: 'wrong' } });
    expect(wrong.status === 401, `${server.name} POST /api/token/ with a wrong password answered ${wrong.status}`);
    const refreshed = await call(server, 'POST', '/api/token/refresh/', { body: { refresh: pair.json.refresh } });
    expect(refreshed.status === 200 && refreshed.json?.refresh && refreshed.json?.access, `${server.name} refresh answered ${refreshed.status} ${refreshed.text}`);
    const again = await call(server, 'POST', '/api/token/refresh/', { body: { refresh: pair.json.refresh } });
    expect(again.status === 200 && again.json.refresh === refreshed.json.refresh, `${server.name} answered a retry of the parent with ${again.status} ${again.text}, not the same pair`);
    const next = await call(server, 'POST', '/api/token/refresh/', { body: { refresh: refreshed.json.refresh } });
    expect(next.status === 200, `${server.name} refused the successor refresh token (${next.status} ${next.text})`);
    const own = await call(server, 'GET', '/api/me/', { token: next.json.access });
    expect(own.status === 200, `${server.name} refused its own access token (${own.status} ${own.text})`);
    // A token two generations back is a replay: the session ends, its access tokens with it.
    const replay = await call(server, 'POST', '/api/token/refresh/', { body: { refresh: pair.json.refresh } });
    expect(replay.status === 401, `${server.name} accepted a replay two generations back (${replay.status})`);
    const ended = await call(server, 'GET', '/api/me/', { token: next.json.access });
    expect(ended.status === 401, `${server.name} accepted an access token of a revoked session (${ended.status})`);
  }
}

// ------------------------------------------------------------------------------------ phases
const processes = [];
function recordPeak(server) {
  processes.push({
    name: server.name,
    kind: server.kind,
    startRssMb: server.startRssMb,
    startHeapMb: server.startHeapMb,
    peakRssMb: peakRssMb(server.child.pid),
  });
}

async function comparePhase(mode, scenarios, urls) {
  log(`\n== ${mode} mode: starting the floor and the app`);
  const floor = await startFloor(mode, urls.floor, `floor (${mode})`);
  const app = await startApp(mode, urls.app, `app (${mode} mode)`);
  try {
    await sanity(mode, floor, app);
    log('sanity checks passed: same answers, each accepts the other\'s tokens, rotation refuses reuse');
    const results = [];
    for (const scenario of scenarios) results.push(await compare(scenario, floor, app));
    recordPeak(floor);
    recordPeak(app);
    return results;
  } finally {
    await stop(app);
    await stop(floor);
  }
}

async function scaleRefresh(hash) {
  log('\n== scale: refresh with 1,000,000 sessions against 1,000');
  const small = await cluster.create('bench_scale_1k');
  const large = await cluster.create('bench_scale_1m');
  await seedUsers(small, USERS, hash);
  await seedUsers(large, USERS, hash);
  const started = Date.now();
  const [smallRows, largeRows] = await Promise.all([seedSessions(small, 1_000, USERS), seedSessions(large, 1_000_000, USERS)]);
  log(`sessions: ${smallRows.toLocaleString('en-US')} and ${largeRows.toLocaleString('en-US')} (${Math.round((Date.now() - started) / 1000)} s to insert)`);
  // Chains take the seeded sessions from the first on: the small table keeps its 1,000 rows.
  cursors.set(small, 0);
  cursors.set(large, 0);
  const apps = [
    { server: await startApp('database', small, 'app (1k sessions)'), url: small, rows: smallRows },
    { server: await startApp('database', large, 'app (1M sessions)'), url: large, rows: largeRows },
  ];
  const scenario = SCENARIOS.find((s) => s.id === 'refresh');
  try {
    for (const { server, url } of apps) {
      await measure(server, scenario, WARMUP);
      await vacuumSessions(url);
    }
    const rounds = [[], []];
    for (let i = 1; i <= ROUNDS; i++) {
      for (const [k, { server, url }] of apps.entries()) {
        const result = await measure(server, scenario, DURATION);
        await vacuumSessions(url); // every round starts from a table without dead rows
        rounds[k].push(result);
        log(`[refresh-scale] round ${i}/${ROUNDS} ${k === 0 ? '1k' : '1M'} ${describe(result)}`);
      }
    }
    const [s, l] = rounds.map(summary);
    for (const { server } of apps) recordPeak(server);
    const ratio = Math.round((l.p50 / s.p50) * 100) / 100;
    return {
      small: { ...s, rows: smallRows },
      large: { ...l, rows: largeRows },
      ratio,
      target: TARGETS.refreshScale,
      met: ratio <= TARGETS.refreshScale,
      rounds,
      floodUrl: small,
    };
  } finally {
    for (const { server } of apps) await stop(server);
  }
}

async function scaleFlood(databaseUrl) {
  log('\n== scale: GET /api/me/ p99 alone and during a login flood (POST /api/token/)');
  const app = await startApp('database', databaseUrl, 'app (login flood)');
  const get = { connections: CONNECTIONS.floodGet, client: getClient };
  const login = { connections: CONNECTIONS.floodLogin, client: obtainClient };
  try {
    await measure(app, get, WARMUP);
    await runLoad({ url: app.url, duration: WARMUP, connections: login.connections, client: login.client() });
    const rounds = { alone: [], flood: [] };
    for (let i = 1; i <= ROUNDS; i++) {
      const alone = await measure(app, get, DURATION);
      rounds.alone.push(alone);
      log(`[flood] round ${i}/${ROUNDS} GET alone        ${describe(alone)}`);
      const flood = runLoad({ url: app.url, duration: DURATION + 2, connections: login.connections, client: login.client() });
      await sleep(1000); // the flood is at full strength before the GETs start
      const during = await measure(app, get, DURATION);
      const logins = await flood;
      during.logins = logins.rps;
      rounds.flood.push(during);
      log(`[flood] round ${i}/${ROUNDS} GET during flood ${describe(during)}; logins ${logins.rps}/s, p99 ${logins.p99} ms`);
    }
    recordPeak(app);
    const alone = summary(rounds.alone);
    const flood = { ...summary(rounds.flood), logins: median(rounds.flood.map((r) => r.logins)) };
    const ratio = Math.round((flood.p99 / alone.p99) * 100) / 100;
    return { alone, flood, ratio, target: TARGETS.flood, met: ratio <= TARGETS.flood, rounds };
  } finally {
    await stop(app);
  }
}

async function profilePhase(ids, urls) {
  const dir = path('bench/results/profiles/');
  mkdirSync(dir, { recursive: true });
  const wanted = ids === 'all' ? SCENARIOS : SCENARIOS.filter((s) => ids.split(',').includes(s.id));
  const texts = [];
  for (const scenario of wanted) {
    const floor = await startFloor(scenario.mode, urls.floor, `floor (${scenario.mode}, profiling)`);
    const app = await startApp(scenario.mode, urls.app, `app (${scenario.mode} mode, profiling)`);
    try {
      log(`\n[${scenario.id}] profiling the floor, then the app: ${WARMUP} s warm-up, ${DURATION} s profiled each`);
      const summaries = {};
      const lines = [];
      for (const server of [floor, app]) {
        await measure(server, scenario, WARMUP);
        const file = `${dir}${scenario.id}-${server.kind}.cpuprofile`;
        await request(server.child, { type: 'profile-start', intervalUs: 200 }, 'profiling');
        const result = await measure(server, scenario, DURATION);
        await request(server.child, { type: 'profile-stop', file }, 'profiled');
        summaries[server.kind] = summarize(file, result.ok + result.non2xx);
        lines.push(`${server.kind}: ${describe(result)}`);
      }
      const title = `${scenario.title}, profiled ${new Date().toISOString().slice(0, 16)}Z\n${lines.join('\n')}`;
      const text = formatSummary(title, summaries.app, summaries.floor);
      writeFileSync(path(`bench/results/profile-${scenario.id}.txt`), text + '\n');
      log('\n' + text);
      texts.push(text);
    } finally {
      await stop(app);
      await stop(floor);
    }
  }
  return texts;
}

function request(child, message, answer) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m?.type === answer) {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

// -------------------------------------------------------------------------------------- main
async function machine(url) {
  const { rows } = await query(url, 'SHOW server_version');
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    os: `${type()} ${release()}`,
    postgres: rows[0].server_version.split(' ')[0],
  };
}

async function main() {
  if (flag('render')) {
    // Re-renders the chart and BENCHMARKS.md from bench/results/latest.json, without measuring.
    const results = JSON.parse(readFileSync(path('bench/results/latest.json'), 'utf8'));
    report(results);
    writeProfileSection();
    return results;
  }
  const started = Date.now();
  log(`bench: ${QUICK ? 'quick, ' : ''}${ROUNDS} rounds × ${DURATION} s, ${WARMUP} s warm-up${SCALE ? ', with scale checks' : ''}`);
  snapshot = snapshotDist();
  cluster = await startCluster(snapshot.root);
  const urls = { app: await cluster.create('bench_app'), floor: await cluster.create('bench_floor') };
  const hash = await hashFromCli(snapshot.root, urls.app, PASSWORD);
  await seedUsers(urls.app, USERS, hash);
  await seedUsers(urls.floor, USERS, hash);
  await seedSessions(urls.app, SEEDED_SESSIONS, USERS);
  await seedSessions(urls.floor, SEEDED_SESSIONS, USERS);
  log(`PostgreSQL up, databases migrated, ${USERS} users and ${SEEDED_SESSIONS} sessions seeded in each`);

  if (PROFILE) {
    const texts = await profilePhase(PROFILE, urls);
    writeProfileSection();
    return texts;
  }

  const chosen = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.id));
  const byId = new Map();
  for (const mode of ['database', 'stateless']) {
    const scenarios = chosen.filter((s) => s.mode === mode);
    if (scenarios.length === 0) continue;
    for (const result of await comparePhase(mode, scenarios, urls)) byId.set(result.id, result);
  }
  let scale = null;
  if (SCALE) {
    scale = {};
    let floodUrl = urls.app;
    if (!ONLY || ONLY.includes('refresh-scale')) {
      scale.refresh = await scaleRefresh(hash);
      floodUrl = scale.refresh.floodUrl;
      delete scale.refresh.floodUrl;
    }
    if (!ONLY || ONLY.includes('flood')) scale.flood = await scaleFlood(floodUrl);
  }

  const apps = processes.filter((p) => p.kind === 'app' && p.peakRssMb !== null);
  const measuredRss = apps.length > 0 ? Math.max(...apps.map((p) => p.peakRssMb)) : null;
  const results = {
    date: new Date().toISOString(),
    command: `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`,
    seconds: Math.round((Date.now() - started) / 1000),
    machine: await machine(urls.app),
    options: {
      quick: QUICK,
      rounds: ROUNDS,
      duration: DURATION,
      warmup: WARMUP,
      users: USERS,
      poolSize: POOL_SIZE,
      appNodeOptions: APP_NODE_OPTIONS,
      appEnv: APP_ENV,
      connections: Object.fromEntries(
        Object.entries(CONNECTIONS).filter(([k]) => SCALE || !k.startsWith('flood')),
      ),
    },
    scenarios: SCENARIOS.filter((s) => byId.has(s.id)).map((s) => byId.get(s.id)),
    processes,
    rss: { target: TARGETS.rssMb, measured: measuredRss, met: measuredRss <= TARGETS.rssMb },
    scale,
  };
  report(results);
  return results;
}

function report(results) {
  const out = [];
  out.push('', `Results (${results.date}, ${results.machine.cores} cores, node ${results.machine.node}, median of ${results.options.rounds} rounds × ${results.options.duration} s)`, '');
  out.push(textTable(MAIN_HEADER, mainRows(results)), '');
  out.push(textTable(COST_HEADER, costRows(results)), '');
  out.push(textTable(RESOURCE_HEADER, resourceRows(results)));
  if (results.scale) out.push('', 'Scale checks', '', textTable(SCALE_HEADER, scaleRows(results.scale)));
  console.log(out.join('\n'));

  const dir = path('bench/results/');
  mkdirSync(dir, { recursive: true });
  if (!flag('render') && (QUICK || ONLY || TRYING_NODE_OPTIONS !== null || TRYING_APP_ENV !== null)) {
    writeFileSync(`${dir}quick.json`, JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote bench/results/quick.json (a --quick, --only, --app-node-options or --app-env run leaves BENCHMARKS.md and the chart alone)`);
    return;
  }
  if (!flag('render')) writeFileSync(`${dir}latest.json`, JSON.stringify(results, null, 2) + '\n');
  if (results.scale && !flag('render')) writeFileSync(`${dir}latest-scale.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(path('bench/chart.svg'), chartSvg(results));
  const md = path('BENCHMARKS.md');
  replaceSection(md, 'results', resultsMarkdown(results));
  replaceSection(md, 'targets', targetsMarkdown(results));
  if (results.scale) replaceSection(md, 'scale', scaleMarkdown(results));
  const json = flag('render') ? '' : `bench/results/latest.json${results.scale ? ', bench/results/latest-scale.json' : ''}, `;
  console.log(`\nwrote ${json}bench/chart.svg, BENCHMARKS.md`);
}

/** The targets list of BENCHMARKS.md: each target, the measured figure, met or not. */
function targetsMarkdown(results) {
  const met = (m) => (m ? '**met**' : '**missed**');
  const lines = [`Measured ${results.date.slice(0, 16).replace('T', ' ')} UTC by \`${results.command}\`:`, ''];
  for (const s of results.scenarios) {
    if (s.target === null) continue;
    const rps = (v) => Math.round(v).toLocaleString('en-US');
    lines.push(`- ${s.title}: app/floor ≥ ${s.target}: ${met(s.met)}, ${s.ratio} (${rps(s.app.rps)} vs ${rps(s.floor.rps)} req/s)`);
  }
  lines.push(`- App peak RSS under load ≤ ${results.rss.target} MB: ${met(results.rss.met)}, ${results.rss.measured} MB`);
  const previous = previousScale();
  const scale = results.scale ?? previous?.scale;
  if (scale) {
    const when = results.scale ? '' : ` (from the --scale run of ${previous.date.slice(0, 10)})`;
    const r = scale.refresh;
    const f = scale.flood;
    const ms = (v) => v.toFixed(1);
    lines.push(`- Refresh p50 with 1M outstanding rows ≤ ${r.target}× that with 1k: ${met(r.met)}, ${r.ratio}× (${ms(r.large.p50)} vs ${ms(r.small.p50)} ms)${when}`);
    lines.push(`- GET p99 during a login flood ≤ ${f.target}× without: ${met(f.met)}, ${f.ratio}× (${ms(f.flood.p99)} vs ${ms(f.alone.p99)} ms)${when}`);
  } else {
    lines.push('- Refresh p50 with 1M outstanding rows ≤ 1.3× that with 1k: not measured yet (`npm run bench -- --scale`)');
    lines.push('- GET p99 during a login flood ≤ 3× without: not measured yet (`npm run bench -- --scale`)');
  }
  return lines.join('\n');
}

function previousScale() {
  try {
    return JSON.parse(readFileSync(path('bench/results/latest-scale.json'), 'utf8'));
  } catch {
    return null;
  }
}

function writeProfileSection() {
  const dir = path('bench/results/');
  const order = SCENARIOS.map((s) => `profile-${s.id}.txt`);
  const files = readdirSync(dir).filter((f) => order.includes(f)).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  // The header, the top 12 frames and the owners down to 1 µs/request; the rest is in the file.
  const shorten = (text) => {
    const lines = text.trim().split('\n');
    const frames = lines.findIndex((l) => l.startsWith('App, top self-time frames'));
    const owners = lines.findIndex((l) => l.startsWith('Self time by owner'));
    const ownerLines = lines.slice(owners + 1).filter((l) => {
      const [app, floor] = l.trim().split(/\s{2,}/).slice(1, 3).map(Number);
      return l.trim().startsWith('total') || app >= 1 || floor >= 1;
    });
    return [...lines.slice(0, frames + 13), '', lines[owners], ...ownerLines].join('\n');
  };
  const body = files.map((f) => '```\n' + shorten(readFileSync(dir + f, 'utf8')) + '\n```').join('\n\n');
  replaceSection(path('BENCHMARKS.md'), 'profile', body || '_No profile taken yet._');
}

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (error) => {
    console.error(error?.stack ?? error);
    await cleanup();
    process.exit(1);
  });
