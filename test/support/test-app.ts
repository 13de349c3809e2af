import type { LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { withSigningKey } from '../../src/config/signing-key.js';
import { createApp } from '../../src/http/create-app.js';
import { UsersService, type NewUser } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.entity.js';
import { freshDatabase } from './database.js';

export const SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly databaseUrl: string;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly users: UsersService;
  /** A supertest client for the running app. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Boots the real app (real PostgreSQL, Fastify listening on 127.0.0.1:0) with the default
 * configuration plus `env`. Without `databaseUrl`, a fresh database of its own.
 */
export async function startApp(
  env: Record<string, string> = {},
  databaseUrl?: string,
  logger: LoggerService | LogLevel[] = ['fatal'],
  imports: ModuleMetadata['imports'] = [],
): Promise<TestApp> {
  const config = withSigningKey(
    // Specs hammer the API from one address: throttling is off unless a spec turns it on.
    loadConfig({ NODE_ENV: 'test', JWT_SIGNING_KEY: SIGNING_KEY, OPENAPI_PATH: 'off', THROTTLE_RATES: 'off', ...env }),
  );
  const dbUrl = databaseUrl ?? (await freshDatabase());
  const app = await createApp(config, dbUrl, { logger, imports });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('localhost', '127.0.0.1');
  return {
    app,
    config,
    databaseUrl: dbUrl,
    url,
    users: app.get(UsersService),
    http: () => request(url),
    close: () => app.close(),
  };
}

/** Creates a user straight through the users service. */
export function createUser(t: TestApp, user: Partial<NewUser> & { username: string }): Promise<User> {
  return t.users.create({ password: 'correct horse', ...user });
}

/** A fresh migrated database holding `users` (made through an in-process app, then closed): for specs that spawn servers. */
export async function databaseWithUsers(...users: Array<Partial<NewUser> & { username: string }>): Promise<string> {
  const url = await freshDatabase();
  const t = await startApp({}, url);
  try {
    for (const user of users) await createUser(t, user);
  } finally {
    await t.close();
  }
  return url;
}

/** Logs in through POST /api/token/; fails the test unless it answers 200. */
export async function login(t: TestApp, username: string, password = 'correct horse'): Promise<{ access: string; refresh: string }> {
  const res = await t.http().post('/api/token/').send({ username, password });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The decoded header and payload of a JWT, unverified. */
export function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
