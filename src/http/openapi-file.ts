import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { migrate } from '../database/data-source.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { createApp } from './create-app.js';

/** The committed OpenAPI document, at the repository root (from src/http/ and dist/http/ alike). */
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/** The configuration openapi.json describes: every default (the key only signs, it is never shown). */
export function documentedConfig(): AppConfig {
  return loadConfig({ JWT_SIGNING_KEY: 'openapi-export-signing-key-0123456789abcdef' });
}

/** The document as openapi.json holds it: two-space JSON and a final newline, so diffs stay readable. */
export function renderOpenApi(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Writes openapi.json from the app with the default configuration, served by a throwaway
 * embedded PostgreSQL (the app checks its schema at start). `npm run openapi` runs it.
 */
export async function exportOpenApi(file = OPENAPI_FILE): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-export-'));
  chmodSync(dir, 0o755); // the postgres user must reach the cluster inside when run as root
  const database = await startEmbeddedPostgres({ dir, database: 'app', fast: true, ephemeral: true });
  try {
    await migrate(database.url);
    const config = documentedConfig();
    const app = await createApp(config, database.url, { logger: ['fatal'] });
    try {
      const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
      const res = await fastify.inject({ method: 'GET', url: `/${config.openApiPath}-json` });
      writeFileSync(file, renderOpenApi(res.json()));
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}
