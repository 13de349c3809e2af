// The adopter's own e2e spec, run against the packed package: node --test dist/test/
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setupDrfHttp } from '@nest-simplejwt/auth';
import { AppModule } from '../src/app.module.js';
import { MembersStore } from '../src/members/members.store.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('Set DATABASE_URL to an empty PostgreSQL database');

let app: INestApplication;
let base: string;

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

async function call(method: string, path: string, options: { json?: unknown; token?: string; raw?: string; type?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    headers['Content-Type'] = options.type ?? 'application/json';
    body = options.raw;
  }
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

const login = (email: string, password = 'correct horse battery') => call('POST', '/api/token/', { json: { username: email, password } });

before(async () => {
  app = await NestFactory.create(AppModule.register({ databaseUrl, signingKey: 'adopter-signing-key-0123456789abcdefghijklmnopqrstuv' }), { logger: false });
  await setupDrfHttp(app);
  await app.listen(0, '127.0.0.1');
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const members = app.get(MembersStore);
  await members.add('ann@example.com', 'correct horse battery', 'manager');
  await members.add('bob@example.com', 'correct horse battery');
});

after(() => app?.close());

describe('an Express app with its own members, on the packed @nest-simplejwt/auth', () => {
  it('logs a member in: a refresh and an access token carrying its uuid and tokenClaims', async () => {
    const res = await login('bob@example.com');
    assert.equal(res.status, 200);
    const body = res.body as { refresh: string; access: string };
    assert.deepEqual(Object.keys(body), ['refresh', 'access']);
    const claims = JSON.parse(Buffer.from(body.access.split('.')[1], 'base64url').toString());
    assert.match(claims.user_id, /^[0-9a-f-]{36}$/);
    assert.equal(claims.email, 'bob@example.com');
    assert.equal(claims.role, 'member');
    assert.equal(claims.token_type, 'access');
    assert.equal(claims.exp - claims.iat, 300);
  });

  it('refuses a wrong password in SimpleJWT words', async () => {
    const res = await login('bob@example.com', 'nope');
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { detail: 'No active account found with the given credentials' });
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  it('refreshes with rotation: a retry gets the same pair; a token two generations back ends the session', async () => {
    const { refresh } = (await login('bob@example.com')).body as { refresh: string };
    const next = await call('POST', '/api/token/refresh/', { json: { refresh } });
    assert.equal(next.status, 200);
    assert.deepEqual(Object.keys(next.body as object), ['access', 'refresh']);
    assert.deepEqual((await call('POST', '/api/token/refresh/', { json: { refresh } })).body, next.body);
    const after = await call('POST', '/api/token/refresh/', { json: { refresh: (next.body as { refresh: string }).refresh } });
    assert.equal(after.status, 200);
    const again = await call('POST', '/api/token/refresh/', { json: { refresh } });
    assert.equal(again.status, 401);
    assert.deepEqual(again.body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    const ended = await call('GET', '/api/projects/', { token: (after.body as { access: string }).access });
    assert.equal(ended.status, 401);
  });

  it('logs out: the session ends and its access token stops working at once', async () => {
    const pair = (await login('bob@example.com')).body as { refresh: string; access: string };
    assert.equal((await call('GET', '/api/projects/', { token: pair.access })).status, 200);
    const out = await call('POST', '/api/token/blacklist/', { json: { refresh: pair.refresh } });
    assert.deepEqual([out.status, out.body], [200, {}]);
    const after = await call('GET', '/api/projects/', { token: pair.access });
    assert.equal(after.status, 401);
  });

  it('protects its own routes: 401 without a token, 200 with one', async () => {
    const anonymous = await call('GET', '/api/projects/');
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.body, { detail: 'Authentication credentials were not provided.' });
    const { access } = (await login('bob@example.com')).body as { access: string };
    const mine = await call('GET', '/api/projects', { token: access });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, { member: 'bob@example.com', projects: [] });
  });

  it('checks its own permission class: a member gets its 403, a manager creates', async () => {
    const bob = ((await login('bob@example.com')).body as { access: string }).access;
    const ann = ((await login('ann@example.com')).body as { access: string }).access;
    const refused = await call('POST', '/api/projects/', { token: bob, json: { name: 'Apollo' } });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { detail: 'Only managers may do this.', code: 'not_manager' });
    const created = await call('POST', '/api/projects/', { token: ann, json: { name: 'Apollo' } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { name: 'Apollo', owner: 'ann@example.com' });
  });

  it('answers errors in DRF shapes: 400 field errors, 405 with Allow, 415, JSON parse errors, 404', async () => {
    const ann = ((await login('ann@example.com')).body as { access: string }).access;
    const blank = await call('POST', '/api/projects/', { token: ann, json: { name: '' } });
    assert.deepEqual([blank.status, blank.body], [400, { name: ['This field may not be blank.'] }]);
    const missing = await call('POST', '/api/token/', { json: {} });
    assert.deepEqual([missing.status, missing.body], [400, { username: ['This field is required.'], password: ['This field is required.'] }]);
    const get = await call('GET', '/api/token/');
    assert.deepEqual([get.status, get.body, get.headers.get('allow')], [405, { detail: 'Method "GET" not allowed.' }, 'POST, OPTIONS']);
    const text = await call('POST', '/api/token/', { raw: 'hi', type: 'text/plain' });
    assert.deepEqual([text.status, text.body], [415, { detail: 'Unsupported media type "text/plain" in request.' }]);
    const broken = await call('POST', '/api/token/', { raw: '{"username"' });
    assert.equal(broken.status, 400);
    assert.match((broken.body as { detail: string }).detail, /^JSON parse error - /);
    const unknown = await call('GET', '/nowhere/');
    assert.deepEqual([unknown.status, unknown.body], [404, { detail: 'Not found.' }]);
  });
});
