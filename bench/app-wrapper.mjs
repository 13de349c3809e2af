// Starts the app (dist/main.js) in this process with the event loop's delay measured, so the
// bench can read it: send {type: 'eld', reset?: boolean} over IPC, get back {type: 'eld', ...}
// in milliseconds beyond the timer's resolution. Peak RSS is this process's VmHWM. Also takes CPU
// profiles on request. Ends the app when its parent goes away.
import { pathToFileURL } from 'node:url';
import { reportEventLoopDelay } from './lib/eld.mjs';
import { serveProfiler } from './lib/profiler.mjs';

reportEventLoopDelay();
serveProfiler();

// Orphaned (the bench died): shut the app down the way it shuts down on SIGTERM.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

// BENCH_APP_MAIN: the bench's private copy of dist/main.js (see run.mjs snapshotDist).
const main = process.env.BENCH_APP_MAIN ? pathToFileURL(process.env.BENCH_APP_MAIN) : new URL('../dist/main.js', import.meta.url);
await import(main.href);
