// Load from this machine with autocannon (closed loop: each connection sends its next request
// when the previous answer is in). Latencies are recorded here at microsecond precision (the
// autocannon histogram keeps whole milliseconds), from 2xx answers only.
import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';

/**
 * One run against `url`. `client(index)` gives each connection its request: {method, path,
 * headers, body} fixed for that connection, or {chain: true, ...} with `next(context)` to build
 * each request and `onResponse(status, body, context)` to carry state to the next one.
 */
export async function runLoad({ url, duration, connections, client }) {
  const histogram = createHistogram();
  let index = 0;
  const base = new URL(url);
  const instance = autocannon({
    url: base.origin,
    connections,
    duration,
    pipelining: 1,
    timeout: 20,
    setupClient(c) {
      const spec = client(index++);
      const iterator = c.requestIterator;
      if (spec.chain) {
        // One state per connection that survives autocannon's per-loop context reset, so each
        // request can be built from the previous answer.
        const context = spec.context;
        iterator.resetContext = function () {
          this.context = context;
        };
        iterator.resetContext();
        iterator.setRequests([
          {
            method: spec.method,
            path: spec.path,
            headers: spec.headers,
            setupRequest: (request, ctx) => ({ ...request, body: spec.body(ctx) }),
            onResponse: (status, body, ctx) => spec.onResponse(status, body, ctx),
          },
        ]);
      } else {
        iterator.setRequests([{ method: spec.method, path: spec.path, headers: spec.headers, body: spec.body }]);
      }
    },
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) histogram.record(Math.max(1, Math.round(ms * 1000)));
  });
  const result = await instance;
  const ok = result['2xx'];
  const us = (p) => (histogram.count > 0 ? Math.round(histogram.percentile(p)) / 1000 : null);
  return {
    rps: Math.round(ok / result.duration),
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    p50: us(50),
    p99: us(99),
    max: us(100),
    seconds: result.duration,
  };
}

export function median(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
