import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, emptyDatabase } from '../../../test/support/database.js';
import { jwkThumbprint, type AuthModuleRootOptions } from '../src/index.js';
import { AccountStore, type Account } from './support/account-store.js';
import { ADAPTERS, startAdopter, type AdopterApp } from './support/adapters.js';

const NOT_FOUND = { detail: 'Not found.' };

afterAll(() => dropDatabases());

describe.each(ADAPTERS)('the JWKS route of the AuthModule on %s (jwksPath)', (adapter) => {
  const ed = generateKeyPairSync('ed25519');
  const apps: AdopterApp[] = [];
  let store: AccountStore;
  let options: AuthModuleRootOptions<Account>;

  beforeAll(async () => {
    const url = await emptyDatabase();
    store = await AccountStore.create(url);
    options = { ALGORITHM: 'EdDSA', SIGNING_KEY: ed.privateKey, userStore: store, database: url, runMigrations: true, JWKS_MAX_AGE: '1h' };
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await store?.close();
  });
  const start = async (extra: Partial<AuthModuleRootOptions<Account>>) => {
    const app = await startAdopter(adapter, { ...options, ...extra });
    apps.push(app);
    return app;
  };

  it('serves the public key at /.well-known/jwks.json by default, as application/jwk-set+json, for an hour', async () => {
    const app = await start({});
    const res = await app.http().get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(JSON.parse(res.text)).toEqual({
      keys: [{ kty: 'OKP', use: 'sig', alg: 'EdDSA', kid: jwkThumbprint(ed.publicKey), crv: 'Ed25519', x: ed.publicKey.export({ format: 'jwk' }).x }],
    });
  });

  it('moves it with jwksPath, and serves none with jwksPath: false', async () => {
    const moved = await start({ jwksPath: 'auth/keys' });
    expect((await moved.http().get('/auth/keys')).status).toBe(200);
    const gone = await moved.http().get('/.well-known/jwks.json');
    expect([gone.status, gone.body]).toEqual([404, NOT_FOUND]);
    const off = await start({ jwksPath: false });
    const res = await off.http().get('/.well-known/jwks.json');
    expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
  });
});
