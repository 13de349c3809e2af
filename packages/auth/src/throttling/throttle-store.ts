/**
 * Where throttles keep their request history. The default keeps it in this process; give the
 * module another (shared) store to throttle across several app instances.
 */
export interface ThrottleStore {
  /**
   * DRF's SimpleRateThrottle.allow_request on the history under `key`: drops entries older than
   * `seconds`, and when fewer than `requests` remain records `now` and answers null; otherwise
   * answers how many seconds until a request would be allowed (DRF's wait()).
   */
  hit(key: string, requests: number, seconds: number, now: number): Promise<number | null> | number | null;
}

/** In-process history per key, trimmed on use and swept every minute. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly histories = new Map<string, { times: number[]; seconds: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepEverySeconds = 60) {
    this.sweeper = setInterval(() => this.sweep(Date.now() / 1000), sweepEverySeconds * 1000);
    this.sweeper.unref();
  }

  hit(key: string, requests: number, seconds: number, now: number): number | null {
    let entry = this.histories.get(key);
    if (entry === undefined) {
      entry = { times: [], seconds };
      this.histories.set(key, entry);
    }
    const history = entry.times; // newest first, as DRF keeps it
    while (history.length > 0 && history[history.length - 1] <= now - seconds) history.pop();
    if (history.length >= requests) {
      const remaining = seconds - (now - history[history.length - 1]);
      // DRF divides by the requests still available; a history longer than the rate (a shared
      // store written under another rate) has none: then the whole remaining window.
      const available = requests - history.length + 1;
      return available > 0 ? remaining / available : remaining;
    }
    history.unshift(now);
    return null;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(now: number): void {
    for (const [key, { times, seconds }] of this.histories) {
      if (times.length === 0 || times[0] <= now - seconds) this.histories.delete(key);
    }
  }
}
