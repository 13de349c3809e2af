import { Logger } from '@nestjs/common';
import { MemoryThrottleStore, type ThrottleStore } from './throttle-store.js';

/**
 * DRF's SimpleRateThrottle.allow_request on one key, as one atomic script: the history is a
 * list of request times, newest first (DRF's own layout); entries out of the window are dropped,
 * then either `now` is recorded (nil: allowed) or DRF's wait() is answered, as text with every
 * digit of the double (a Lua number would reach the client truncated to an integer). KEYS[1] history; ARGV now, requests, seconds.
 */
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local requests = tonumber(ARGV[2])
local duration = tonumber(ARGV[3])
local oldest = redis.call('LINDEX', KEYS[1], -1)
while oldest and tonumber(oldest) <= now - duration do
  redis.call('RPOP', KEYS[1])
  oldest = redis.call('LINDEX', KEYS[1], -1)
end
local length = redis.call('LLEN', KEYS[1])
if length >= requests then
  local remaining = duration - (now - tonumber(oldest))
  local available = requests - length + 1
  if available > 0 then return string.format('%.17g', remaining / available) end
  return string.format('%.17g', remaining)
end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return false
`;

/** What the store needs of an ioredis client (`new Redis(...)`); the package does not depend on ioredis. */
export interface RedisClient {
  defineCommand(name: string, definition: { lua: string; numberOfKeys: number }): void;
  quit(): Promise<unknown>;
  disconnect(): void;
}

const CONNECT_TIMEOUT_MS = 1000;

type ThrottleScript = (key: string, now: string, requests: number, seconds: number) => Promise<string | null>;

export interface RedisThrottleStoreOptions {
  /** Put before every key, so apps can share one Redis. @default 'simplejwt:' */
  prefix?: string;
  /** Close the client with the store (it was made for it). @default false */
  owned?: boolean;
}

/**
 * Throttle history in Redis, shared by every app instance: limits hold across all of them.
 * When Redis does not answer (down, unreachable, or slower than the client's command timeout),
 * each instance counts in its own memory until it does: limits loosen (by the number of
 * instances) but never switch off, and no request waits on Redis. One warning when that
 * starts, one when Redis is back.
 */
export class RedisThrottleStore implements ThrottleStore {
  private readonly logger = new Logger('ThrottleStore');
  private readonly fallback = new MemoryThrottleStore();
  private readonly prefix: string;
  private downSince: number | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisThrottleStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'simplejwt:';
    redis.defineCommand('simplejwtThrottle', { lua: SLIDING_WINDOW, numberOfKeys: 1 });
  }

  /**
   * A store on its own ioredis client for `url` (`redis://` or `rediss://`), made so that no
   * request waits on Redis: commands fail at once while disconnected, and after `timeoutMs`
   * when Redis does not answer. Resolves once connected, or after a second without Redis (the
   * app starts anyway, counting in memory until Redis answers). Needs the `ioredis` package.
   */
  static async connect(url: string, timeoutMs = 500, options: Omit<RedisThrottleStoreOptions, 'owned'> = {}): Promise<RedisThrottleStore> {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    redis.on('error', () => {}); // reconnection is ioredis's; the store reports the outage once
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => redis.once('ready', resolve)),
      new Promise((resolve) => (timer = setTimeout(resolve, CONNECT_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    return new RedisThrottleStore(redis as unknown as RedisClient, { ...options, owned: true });
  }

  async hit(key: string, requests: number, seconds: number, now: number): Promise<number | null> {
    const script = (this.redis as unknown as { simplejwtThrottle: ThrottleScript }).simplejwtThrottle.bind(this.redis);
    let wait: string | null;
    try {
      wait = await script(this.prefix + key, String(now), requests, seconds);
    } catch (error) {
      if (this.downSince === null) {
        this.downSince = Date.now();
        this.logger.warn(`Redis is unavailable (${(error as Error).message}): each instance throttles from its own memory until it answers`);
      }
      return this.fallback.hit(key, requests, seconds, now);
    }
    if (this.downSince !== null) {
      this.logger.warn(`Redis is available again after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s: throttle history is shared again`);
      this.downSince = null;
    }
    return wait === null ? null : Number(wait);
  }

  async close(): Promise<void> {
    this.fallback.close();
    if (!this.options.owned) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
