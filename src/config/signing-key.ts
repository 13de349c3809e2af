import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeyMaterial, resolveSettings, SettingsError, type ResolvedSettings } from '@nest-simplejwt/auth';
import type { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';

/** The smallest HMAC secret production accepts: 256 bits, as HS256 needs. */
export const MIN_SECRET_BYTES = 32;

/**
 * The configuration with a signing key: the one given, or in development a random one generated
 * once and kept in DATA_DIR, so tokens survive a restart. Production without a strong key is
 * refused. The SimpleJWT settings are checked here too, so a bad one stops the start.
 */
export function withSigningKey(config: AppConfig): AppConfig {
  let key = config.jwt.SIGNING_KEY as string;
  const hmac = config.jwt.ALGORITHM.startsWith('HS');
  if (config.nodeEnv === 'production') {
    if (key === '') throw new ConfigError([`JWT_SIGNING_KEY: required in production (${hint})`]);
    if (hmac && Buffer.byteLength(secretOf(key), 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError([`JWT_SIGNING_KEY: must be at least ${MIN_SECRET_BYTES} bytes in production (${hint})`]);
    }
  } else if (key === '') {
    if (!hmac) throw new ConfigError([`JWT_SIGNING_KEY: ${config.jwt.ALGORITHM} needs a PEM private key`]);
    key = developmentKey(config.dataDir);
  }
  const withKey = { ...config, jwt: { ...config.jwt, SIGNING_KEY: key } };
  checkSettings(withKey);
  return withKey;
}

/** The secret itself, also when the setting names a file (`file:/path`). */
function secretOf(key: string): string {
  try {
    return readKeyMaterial(key, 'SIGNING_KEY');
  } catch (error) {
    if (error instanceof SettingsError) throw new ConfigError([`JWT_${error.message}`]);
    throw error;
  }
}

const hint = `generate one with: node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))"`;

function developmentKey(dataDir: string): string {
  const file = join(dataDir, 'signing-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(48).toString('base64url');
    writeFileSync(file, key + '\n', { mode: 0o600 });
    return key;
  }
}

function checkSettings(config: AppConfig): ResolvedSettings {
  try {
    return resolveSettings(config.jwt);
  } catch (error) {
    if (error instanceof SettingsError) throw new ConfigError([`JWT_${error.message}`]);
    throw error;
  }
}
