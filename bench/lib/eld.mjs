// Event-loop delay of this process, reported over IPC: the parent sends {type: 'eld', id,
// reset}, this answers {type: 'eld', id, min, mean, p50, p99, max} in milliseconds, and the
// V8 heap's size (heapTotalMb) and memory held outside it (externalMb).
import { monitorEventLoopDelay } from 'node:perf_hooks';

// The histogram records the time between timer ticks, so its floor is the resolution: the
// figures subtract it (0 = the timer fired on time).
const RESOLUTION_MS = 10;

export function reportEventLoopDelay() {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  process.on('message', (message) => {
    if (message?.type !== 'eld') return;
    process.send?.({
      type: 'eld',
      id: message.id,
      min: ms(histogram.min),
      mean: ms(histogram.mean),
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      heapTotalMb: Math.round(process.memoryUsage().heapTotal / 2 ** 20),
      externalMb: Math.round(process.memoryUsage().external / 2 ** 20),
    });
    if (message.reset) histogram.reset();
  });
}
