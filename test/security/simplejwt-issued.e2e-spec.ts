// Tokens djangorestframework-simplejwt itself issued (PyJWT for EdDSA), kept in
// test/fixtures/simplejwt-tokens.json by scripts/simplejwt-tokens.py: the strict checks accept them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from '../support/database.js';
import { startApp, type TestApp } from '../support/test-app.js';
import { me, verify } from './forge.js';

interface Issued {
  signing_key: string;
  verifying_key?: string;
  access: string;
  refresh: string;
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/simplejwt-tokens.json', import.meta.url), 'utf8')) as Record<string, Issued> & {
  lifetime_days: number;
  user_id: number;
};

afterAll(async () => {
  await dropDatabases();
});

describe.each(['HS256', 'RS256', 'ES256', 'EdDSA'])('security: SimpleJWT-issued %s tokens (no kid) verify', (algorithm) => {
  const issued = fixtures[algorithm];
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      JWT_ALGORITHM: algorithm,
      JWT_SIGNING_KEY: issued.signing_key,
      JWT_VERIFYING_KEY: issued.verifying_key ?? '',
      JWT_ACCESS_TOKEN_LIFETIME: `${fixtures.lifetime_days}d`,
      JWT_REFRESH_TOKEN_LIFETIME: `${fixtures.lifetime_days}d`,
      JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('verify answers {} for its access and its refresh token', async () => {
    for (const token of [issued.access, issued.refresh]) {
      const res = await verify(t, token);
      expect([res.status, res.body]).toEqual([200, {}]);
    }
  });

  it('its access token authenticates as its user', async () => {
    const res = await me(t, issued.access);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(fixtures.user_id);
  });

  it('its refresh token is refused as a bearer token: Token has wrong type', async () => {
    const res = await me(t, issued.refresh);
    expect(res.status).toBe(401);
    expect(res.body.messages).toEqual([{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }]);
  });
});
