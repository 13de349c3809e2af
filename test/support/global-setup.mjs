// Runs once before every spec, outside Jest's module system, so it uses the build in dist/
// (`npm test` builds first). It starts one throwaway embedded PostgreSQL for the whole run (or
// uses TEST_DATABASE_URL) and a template database with every migration applied; each spec
// file clones the template (test/support/database.ts).
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../dist/database/data-source.js';
import { startEmbeddedPostgres } from '../../dist/database/embedded-postgres.js';

export const TEMPLATE = 'app_test_template';

export default async function globalSetup() {
  let server;
  if (process.env.TEST_DATABASE_URL) {
    server = { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'simplejwt-test-'));
    chmodSync(dir, 0o755); // the postgres user must reach the cluster inside
    server = await startEmbeddedPostgres({ dir, database: 'postgres', fast: true, ephemeral: true });
  }
  globalThis.__TEST_DB__ = server;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.url);
  url.pathname = `/${TEMPLATE}`;
  await migrate(url.toString());
  process.env.TEST_ADMIN_URL = server.url;
}
