import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryThrottleStore } from './throttle-store.js';

/**
 * MemoryThrottleStore.hit against DRF's SimpleRateThrottle, with explicit clocks:
 *   while history and history[-1] <= now - duration: history.pop()
 *   if len(history) >= num_requests: refuse, wait = (duration - (now - history[-1])) / (num_requests - len(history) + 1)
 *   else: history.insert(0, now)
 */
describe('MemoryThrottleStore.hit (DRF SimpleRateThrottle.allow_request and wait)', () => {
  let store: MemoryThrottleStore;
  afterEach(() => store.close());
  const fresh = () => (store = new MemoryThrottleStore());

  it('allows num_requests requests in the window, then refuses with the time until the oldest leaves it', () => {
    fresh();
    expect(store.hit('k', 3, 60, 1000)).toBeNull();
    expect(store.hit('k', 3, 60, 1010)).toBeNull();
    expect(store.hit('k', 3, 60, 1020)).toBeNull();
    // (60 - (1030 - 1000)) / (3 - 3 + 1)
    expect(store.hit('k', 3, 60, 1030)).toBe(30);
    expect(store.hit('k', 3, 60, 1059.5)).toBe(0.5);
  });

  it('drops an entry exactly `duration` old (history[-1] <= now - duration), not one a moment younger', () => {
    fresh();
    expect(store.hit('k', 1, 60, 100)).toBeNull();
    expect(store.hit('k', 1, 60, 159.75)).toBe(0.25);
    expect(store.hit('k', 1, 60, 160)).toBeNull();
    // The history is now [160]: the next refusal counts from it.
    expect(store.hit('k', 1, 60, 170)).toBe(50);
  });

  it('does not record a refused request: the window slides from the allowed ones only', () => {
    fresh();
    expect(store.hit('k', 2, 10, 0)).toBeNull();
    expect(store.hit('k', 2, 10, 1)).toBeNull();
    for (const now of [2, 3, 5, 9]) expect(store.hit('k', 2, 10, now)).toBe(10 - now);
    // Had the refusals been recorded, 10.5 would still be refused; DRF lets it through.
    expect(store.hit('k', 2, 10, 10)).toBeNull(); // 0 dropped, [10, 1]
    expect(store.hit('k', 2, 10, 10.5)).toBe(0.5); // (10 - (10.5 - 1)) / 1
    expect(store.hit('k', 2, 10, 11)).toBeNull(); // 1 dropped, [11, 10]
    expect(store.hit('k', 2, 10, 12)).toBe(8); // 10 - (12 - 10)
  });

  it('drops every entry older than the window at once', () => {
    fresh();
    for (const now of [0, 1, 2, 3, 4]) expect(store.hit('k', 5, 10, now)).toBeNull();
    expect(store.hit('k', 5, 10, 5)).toBe(5);
    // At 13.5 the entries 0..3 have left the window: four requests fit again, the fifth does not.
    for (const now of [13.5, 13.6, 13.7, 13.8]) expect(store.hit('k', 5, 10, now)).toBeNull();
    expect(store.hit('k', 5, 10, 13.9)).toBeCloseTo(0.1, 10); // 10 - (13.9 - 4)
  });

  it('keeps each key on its own', () => {
    fresh();
    expect(store.hit('throttle_anon_ip:10.0.0.1', 1, 60, 0)).toBeNull();
    expect(store.hit('throttle_anon_ip:10.0.0.1', 1, 60, 1)).toBe(59);
    expect(store.hit('throttle_anon_ip:10.0.0.2', 1, 60, 1)).toBeNull();
    expect(store.hit('throttle_user_ip:10.0.0.1', 1, 60, 1)).toBeNull();
    expect(store.hit('throttle_anon_ip:10.0.0.2', 1, 60, 2)).toBe(59);
    expect(store.hit('throttle_anon_ip:10.0.0.1', 1, 60, 30)).toBe(30);
  });

  it('answers no infinite wait when the history is one longer than a lowered limit (DRF: wait() is None)', () => {
    fresh();
    // Three requests recorded under 3/60s, then the same key checked against 2/60s: len(history) = 3,
    // available_requests = 2 - 3 + 1 = 0, for which DRF's wait() answers None (no finite wait).
    for (const now of [0, 10, 20]) expect(store.hit('k', 3, 60, now)).toBeNull();
    // Under 3/60s a fourth is refused with (60 - (30 - 0)) / (3 - 3 + 1).
    expect(store.hit('k', 3, 60, 30)).toBe(30);
    const lowered = store.hit('k', 2, 60, 30);
    expect(lowered).not.toBeNull(); // refused
    // DRF never answers an infinite or negative wait (it answers None when available_requests <= 0).
    expect(Number.isFinite(lowered)).toBe(true);
    expect(lowered as number).toBeGreaterThanOrEqual(0);
  });

  it('answers no negative wait when the history is far longer than a lowered limit (DRF: wait() is None)', () => {
    fresh();
    for (const now of [0, 1, 2, 3, 4]) expect(store.hit('k', 5, 60, now)).toBeNull();
    // available_requests = 2 - 5 + 1 = -2 <= 0: DRF's wait() is None, never a negative number.
    const lowered = store.hit('k', 2, 60, 5);
    expect(lowered).not.toBeNull();
    expect(lowered as number).toBeGreaterThanOrEqual(0);
  });
});
