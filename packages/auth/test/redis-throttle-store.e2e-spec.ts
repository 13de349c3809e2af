// RedisThrottleStore against a real redis-server of its own: DRF's sliding window exactly as the
// in-memory store keeps it, atomic under concurrency, and never a wait on a Redis that is down
// or hung (each instance then counts in its own memory, and says so once each way).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisServer } from '../../../test/support/redis-server.js';
import { sleep } from '../../../test/support/server-process.js';
import { MemoryThrottleStore, RedisThrottleStore } from '../src/index.js';

class Lines extends ConsoleLogger {
  readonly lines: string[] = [];
  protected override printMessages(messages: unknown[], context?: string, level?: string): void {
    for (const message of messages) this.lines.push(`${level} [${context}] ${String(message)}`);
  }
}

describe('RedisThrottleStore', () => {
  let redis: RedisServer;
  let store: RedisThrottleStore;
  const logs = new Lines();

  beforeAll(async () => {
    redis = await RedisServer.start();
    store = await RedisThrottleStore.connect(redis.url, 300);
    Logger.overrideLogger(logs);
  });
  afterAll(async () => {
    await store?.close();
    await redis?.remove();
  });

  it('answers what the in-memory store answers, hit for hit: allowed (null) or DRF wait() in seconds', async () => {
    const memory = new MemoryThrottleStore();
    // 3 requests a minute; times in seconds, some exactly on the window's edge, fractions included.
    const times = [1000, 1000.25, 1010, 1020.5, 1059.99, 1060, 1060.25, 1061, 1070, 1070.1, 1200];
    const from = logs.lines.length;
    const fromRedis: (number | null)[] = [];
    const fromMemory: (number | null)[] = [];
    for (const now of times) {
      fromRedis.push(await store.hit('throttle_anon_ip:10.0.0.1', 3, 60, now));
      fromMemory.push(memory.hit('throttle_anon_ip:10.0.0.1', 3, 60, now));
    }
    memory.close();
    expect(fromRedis).toEqual(fromMemory);
    expect(fromRedis.slice(0, 4)).toEqual([null, null, null, 39.5]); // full: the oldest leaves the window in 39.5 s
    expect(logs.lines.slice(from)).toEqual([]); // every answer came from Redis, none from the fallback
  });

  it('keeps DRF\'s layout (a list of times, newest first) under its prefix, expiring with the window', async () => {
    await store.hit('throttle_user_user:7', 5, 30, 5000);
    await store.hit('throttle_user_user:7', 5, 30, 5001.5);
    const client = new Redis(redis.url);
    try {
      expect(await client.lrange('simplejwt:throttle_user_user:7', 0, -1)).toEqual(['5001.5', '5000']);
      expect(await client.ttl('simplejwt:throttle_user_user:7')).toBeGreaterThan(25);
    } finally {
      client.disconnect();
    }
  });

  it('lets exactly the rate through when 60 hits of one key arrive at once, from two clients', async () => {
    const other = await RedisThrottleStore.connect(redis.url, 300);
    try {
      const now = Date.now() / 1000;
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? store : other).hit('throttle_token_ip:10.0.0.9', 10, 60, now)));
      expect(answers.filter((wait) => wait === null)).toHaveLength(10);
    } finally {
      await other.close();
    }
  });

  it('with Redis down: answers from memory at once, warns once; with Redis back: shares again and says so', async () => {
    const from = logs.lines.length;
    await redis.halt();
    const started = Date.now();
    const answers: (number | null)[] = [];
    for (let i = 0; i < 4; i++) answers.push(await store.hit('throttle_anon_ip:10.0.0.2', 3, 60, 2000 + i));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answers).toEqual([null, null, null, 57]); // counted, in this instance's memory
    await redis.resume();
    let shared: number | null | undefined;
    for (let attempt = 0; attempt < 50 && shared === undefined; attempt++) {
      await sleep(100);
      const wait = await store.hit('throttle_anon_ip:10.0.0.3', 3, 60, 3000);
      if (logs.lines.slice(from).some((line) => /available again/.test(line))) shared = wait;
    }
    expect(shared).toBeNull();
    const lines = logs.lines.slice(from);
    expect(lines.filter((line) => /^warn \[ThrottleStore\] Redis is unavailable \(.+\): each instance throttles from its own memory until it answers$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /^warn \[ThrottleStore\] Redis is available again after \d+\.\d s: throttle history is shared again$/.test(line))).toHaveLength(1);
  });

  it('with Redis hung (stopped, not gone): a hit waits at most the command timeout, then counts in memory', async () => {
    const pid = redis.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const wait = await store.hit('throttle_anon_ip:10.0.0.4', 3, 60, 4000);
      const ms = Date.now() - started;
      expect(wait).toBeNull();
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(1000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
});
