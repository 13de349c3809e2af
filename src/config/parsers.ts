import {
  AllowAny,
  IsAdminUser,
  IsAuthenticated,
  IsAuthenticatedOrReadOnly,
  parseDuration,
  rateTable,
  SettingsError,
  trustedOrigin,
  type PermissionClass,
} from '@nest-simplejwt/auth';
import { SettingProblem } from './config-error.js';

export type Parser<T> = (raw: string) => T;

export const text: Parser<string> = (raw) => raw;

export const bool: Parser<boolean> = (raw) => {
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new SettingProblem(`expected true or false, got ${JSON.stringify(raw)}`);
};

export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      throw new SettingProblem(`expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}

/** A byte count: `1048576`, `512kb`, `1mb`. */
export const bytes: Parser<number> = (raw) => {
  const match = /^\s*(\d+)\s*(b|kb|mb)?\s*$/i.exec(raw);
  if (!match) throw new SettingProblem(`expected a size such as 1048576, 512kb or 1mb, got ${JSON.stringify(raw)}`);
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[(match[2] ?? 'b').toLowerCase() as 'b'];
};

/** Seconds from `900`, `15m`, `7d` and the like. */
export const duration: Parser<number> = (raw) => {
  try {
    return parseDuration(raw);
  } catch (error) {
    throw new SettingProblem(error instanceof SettingsError ? error.message.replace(/^duration: /, '') : String(error));
  }
};

/** A duration of at least a second, or 0 for off. */
export const interval: Parser<number> = (raw) => {
  const seconds = duration(raw);
  if (seconds !== 0 && seconds < 1) throw new SettingProblem(`expected 0 (off) or at least 1s, got ${JSON.stringify(raw)}`);
  return seconds;
};

/** `memory` (null: this process's own) or a `redis://` / `rediss://` URL. */
export const throttleStore: Parser<string | null> = (raw) => {
  if (raw.trim() === 'memory') return null;
  let url: URL | null = null;
  try {
    url = new URL(raw.trim());
  } catch {
    // said below
  }
  if (url === null || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    throw new SettingProblem('expected memory or a redis:// (or rediss://) URL');
  }
  return raw.trim();
};

export const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return (raw) => {
    if (!values.includes(raw as T)) {
      throw new SettingProblem(`expected one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw as T;
  };
}

export function someOf<T extends string>(values: readonly T[]): Parser<T[]> {
  return (raw) => {
    const items = list(raw);
    const bad = items.filter((item) => !values.includes(item as T));
    if (items.length === 0 || bad.length > 0) {
      throw new SettingProblem(`expected a comma-separated list of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return items as T[];
  };
}

const BUILTIN_PERMISSIONS: Record<string, PermissionClass> = { AllowAny, IsAuthenticated, IsAdminUser, IsAuthenticatedOrReadOnly };

/** Built-in permission classes by name, all of which must allow. */
export const permissionClasses: Parser<PermissionClass[]> = (raw) => {
  const names = list(raw);
  const unknown = names.filter((name) => !(name in BUILTIN_PERMISSIONS));
  if (names.length === 0 || unknown.length > 0) {
    throw new SettingProblem(`expected a comma-separated list of ${Object.keys(BUILTIN_PERMISSIONS).join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return names.map((name) => BUILTIN_PERMISSIONS[name]);
};

/** THROTTLE_RATES as DRF's DEFAULT_THROTTLE_RATES dict (scope → 'N/period'); `off` is none. */
export const rates: Parser<Record<string, string>> = (raw) => {
  try {
    return rateTable(raw);
  } catch (error) {
    throw new SettingProblem((error as Error).message);
  }
};

/**
 * Comma-separated origins (`https://app.example.com`, `http://127.0.0.1:5173`); with `wildcards`
 * also Django's `https://*.example.com` for every subdomain.
 */
export function origins(wildcards: boolean): Parser<string[]> {
  return (raw) =>
    list(raw).map((given) => {
      const origin = given.replace(/\/+$/, '');
      const example = wildcards ? 'https://app.example.com or https://*.example.com' : 'https://app.example.com';
      let parsed;
      try {
        parsed = trustedOrigin(origin);
      } catch {
        throw new SettingProblem(`expected comma-separated scheme://host[:port] origins (e.g. ${example}), got ${JSON.stringify(given)}`);
      }
      if (parsed.wildcard && !wildcards) throw new SettingProblem(`expected exact origins, without *, got ${JSON.stringify(origin)}`);
      return origin;
    });
}
