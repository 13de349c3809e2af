import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Algorithm, ExtraVerifyingKeyEntry } from '../auth.options.js';
import { SettingsError } from '../settings-error.js';

const FILE_PREFIX = 'file:';
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** A key as the settings give it, made into a KeyObject once, with what the setting said about it. */
export interface KeyMaterial {
  readonly key: KeyObject;
  readonly algorithm?: Algorithm;
  readonly kid?: string;
}

/**
 * The key text a setting names: the value itself, or with `file:/path` the file's content (a
 * secret loses one trailing newline, as `echo` leaves one). Environment files often carry PEM
 * with literal `\n`: those become newlines. The message of a failure names the path, never a key.
 */
export function readKeyMaterial(value: string, setting: string): string {
  if (!value.startsWith(FILE_PREFIX)) return pem(value);
  const path = value.slice(FILE_PREFIX.length).trim();
  try {
    return pem(readFileSync(path, 'utf8').replace(/\r?\n$/, ''));
  } catch (error) {
    throw new SettingsError(setting, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function pem(value: string): string {
  return value.includes('-----BEGIN') && value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/** The HMAC secret a setting names, as a KeyObject. */
export function secretKey(value: string | KeyObject, setting: string): KeyObject {
  const key = value instanceof KeyObject ? value : createSecretKey(Buffer.from(readKeyMaterial(value, setting), 'utf8'));
  if (key.type !== 'secret' || key.symmetricKeySize === 0) throw new SettingsError(setting, 'needs a non-empty secret');
  return key;
}

export function privateKey(value: string | KeyObject, setting: string, algorithm: Algorithm): KeyObject {
  if (value instanceof KeyObject) return value;
  try {
    return createPrivateKey(readKeyMaterial(value, setting));
  } catch (error) {
    if (error instanceof SettingsError) throw error;
    throw new SettingsError(setting, `${algorithm} needs a PEM private key (${(error as Error).message})`);
  }
}

export function publicKey(value: string | KeyObject, setting: string, algorithm?: Algorithm): KeyObject {
  if (value instanceof KeyObject) return value.type === 'private' ? createPublicKey(value) : value;
  try {
    return createPublicKey(readKeyMaterial(value, setting));
  } catch (error) {
    if (error instanceof SettingsError) throw error;
    throw new SettingsError(setting, `${algorithm ?? 'a key'} needs a PEM public key (${(error as Error).message})`);
  }
}

/**
 * EXTRA_VERIFYING_KEYS read into keys: PEM blocks one after another (public keys; a private
 * key or certificate gives its public key), else comma-separated HMAC secrets, where any
 * `file:` entry is read and may hold PEM blocks or one secret. Object entries keep their
 * algorithm and kid.
 */
export function extraKeyMaterial(value: string | readonly ExtraVerifyingKeyEntry[], setting = 'EXTRA_VERIFYING_KEYS'): KeyMaterial[] {
  if (typeof value !== 'string') {
    return value.flatMap((entry) => {
      if (typeof entry === 'string') return extraKeyMaterial(entry, setting);
      if (entry instanceof KeyObject) return [{ key: asVerifying(entry) }];
      const keys = typeof entry.key === 'string' ? extraKeyMaterial(entry.key, setting) : [{ key: asVerifying(entry.key) }];
      if (keys.length !== 1) throw new SettingsError(setting, 'an entry with its own algorithm or kid must hold exactly one key');
      return [{ key: keys[0].key, algorithm: entry.algorithm, kid: entry.kid }];
    });
  }
  const text = pem(value.trim());
  if (text === '') return [];
  if (text.includes('-----BEGIN')) {
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) throw new SettingsError(setting, 'holds a PEM header without a complete block');
    return blocks.map((block) => ({ key: publicKey(block, setting) }));
  }
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .flatMap((item) => {
      if (!item.startsWith(FILE_PREFIX)) return [{ key: secretKey(item, setting) }];
      const content = readKeyMaterial(item, setting);
      return content.includes('-----BEGIN') ? extraKeyMaterial(content, setting) : [{ key: secretKey(content, setting) }];
    });
}

function asVerifying(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}
