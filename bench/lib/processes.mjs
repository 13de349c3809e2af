// Child processes of the bench: started bound to 127.0.0.1, tracked, and ended by their PID.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const children = new Set();
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node ...args` with an IPC channel; its output is kept (the last few KB) for errors.
 * Resolves once `ready(child)` resolves.
 */
export async function startNode(name, args, env, { ready, nodeOptions = [] } = {}) {
  const child = spawn(process.execPath, [...nodeOptions, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.label = name;
  child.output = '';
  const keep = (chunk) => {
    child.output = (child.output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const exited = new Promise((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) while starting:\n${child.output}`)),
    ),
  );
  exited.catch(() => {});
  await Promise.race([ready(child), exited, timeout(60_000, `${name} did not become ready`)]);
  return child;
}

function timeout(ms, message) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/** Resolves when the child sends {ready: true}. */
export function readyMessage(child) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.ready) {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
  });
}

/** Resolves when GET url answers 200. */
export async function readyHttp(url) {
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends a child by its PID: SIGTERM, then SIGKILL after `graceMs`. */
export function stop(child, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

export function stopAll(graceMs) {
  return Promise.all([...children].map((child) => stop(child, graceMs)));
}

/** Synchronous last resort (process 'exit'): SIGKILL every child still alive, by PID. */
export function killAllNow() {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
}

function status(pid) {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

/** Peak resident set size (VmHWM) of a live process, in MB. */
export function peakRssMb(pid) {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status(pid));
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

export function rssMb(pid) {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status(pid));
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Asks the app wrapper for its event-loop delay histogram (ms), resetting it if asked. */
let nextId = 0;
export function eventLoopDelay(child, reset = true) {
  const id = ++nextId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      resolve(null);
    }, 5000);
    const onMessage = (message) => {
      if (message?.type === 'eld' && message.id === id) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'eld', id, reset });
  });
}
