// Reads a V8 .cpuprofile: where the time went, by frame (self time) and by owner: our code
// (dist/), each package under node_modules/, node's internals, V8, and the socket writes.
//
// V8 samples the main thread on a wall-clock interval: a sample lands wherever the thread was,
// including while it was runnable but preempted. On a busy machine most of that shows up in the
// socket write (the kernel wakes the reader on loopback and often switches to it), so the write
// is its own owner here and the shares are also given without it.
import { readFileSync } from 'node:fs';

export const SOCKET_WRITE = 'socket write syscall (native)';

export function ownerOf(url, functionName) {
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8/libuv: (program)';
    if (/^write/.test(functionName)) return SOCKET_WRITE;
    return 'V8 builtins / native bindings';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node: ' + url.slice(5).split('/')[0].replace(/^internal$/, 'internal/' + (url.split('/')[1] ?? ''));
  const dist = url.indexOf('/dist/');
  if (dist !== -1) return 'our code: ' + url.slice(dist + 1).split('/').slice(0, 2).join('/');
  if (url.includes('/bench/')) return 'bench (floor / wrapper)';
  return url;
}

const shortUrl = (url) => {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist !== -1) return url.slice(dist + 1);
  const bench = url.indexOf('/bench/');
  if (bench !== -1) return url.slice(bench + 1);
  return url.replace(/^file:\/\//, '');
};

/** Self time by frame and by owner, in µs per request answered while profiling. */
export function summarize(file, requests, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));

  let total = 0;
  let write = 0;
  const frames = new Map();
  const byOwner = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id);
    const owner = ownerOf(callFrame.url, callFrame.functionName);
    if (owner === '(idle)') continue;
    let profiler = false; // the profiler's own work (Profiler.stop) is not the server's
    for (let at = id; at !== undefined && !profiler; at = parent.get(at)) {
      profiler = nodes.get(at).callFrame.url === 'node:inspector';
    }
    if (profiler) continue;
    total += us;
    if (owner === SOCKET_WRITE) write += us;
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? shortUrl(callFrame.url) + ':' + (callFrame.lineNumber + 1) : ''}`.trim();
    const frame = frames.get(key) ?? { frame: key, owner, us: 0 };
    frame.us += us;
    frames.set(key, frame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const perReq = (us) => Math.round((us / requests) * 10) / 10;
  const share = (us) => Math.round((us / total) * 1000) / 10;
  const shareNoWrite = (us, owner) => (owner === SOCKET_WRITE ? null : Math.round((us / (total - write)) * 1000) / 10);
  return {
    requests,
    busyMs: Math.round(total / 1000),
    usPerRequest: perReq(total),
    writeShare: share(write),
    frames: [...frames.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ frame: f.frame, owner: f.owner, pct: share(f.us), pctNoWrite: shareNoWrite(f.us, f.owner), usPerReq: perReq(f.us) })),
    owners: [...byOwner.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([owner, us]) => ({ owner, pct: share(us), pctNoWrite: shareNoWrite(us, owner), usPerReq: perReq(us) })),
  };
}

const pad = (v, n = 6) => String(v ?? '—').padStart(n);

export function formatSummary(title, app, floor) {
  const lines = [
    title,
    '',
    `App:   ${app.requests} requests profiled, ${app.busyMs} ms sampled busy = ${app.usPerRequest} µs/request (socket writes ${app.writeShare}% of it)`,
    `Floor: ${floor.requests} requests profiled, ${floor.busyMs} ms sampled busy = ${floor.usPerRequest} µs/request (socket writes ${floor.writeShare}% of it)`,
    '',
    'App, top self-time frames:  % of busy | % without socket writes | µs/request  frame  [owner]',
  ];
  for (const f of app.frames) lines.push(`  ${pad(f.pct)}% ${pad(f.pctNoWrite)}% ${pad(f.usPerReq, 7)}  ${f.frame}  [${f.owner}]`);
  lines.push('', 'Self time by owner, µs/request:      app    floor   (app: % of busy | % without socket writes)');
  const floorBy = new Map(floor.owners.map((o) => [o.owner, o]));
  const seen = new Set();
  for (const o of app.owners) {
    seen.add(o.owner);
    if (o.usPerReq < 0.5 && (floorBy.get(o.owner)?.usPerReq ?? 0) < 0.5) continue;
    lines.push(`  ${o.owner.padEnd(34)} ${pad(o.usPerReq, 7)}  ${pad(floorBy.get(o.owner)?.usPerReq ?? 0, 7)}   (${o.pct}% | ${o.pctNoWrite ?? '—'}%)`);
  }
  for (const o of floor.owners) {
    if (!seen.has(o.owner) && o.usPerReq >= 0.5) lines.push(`  ${o.owner.padEnd(34)} ${pad(0, 7)}  ${pad(o.usPerReq, 7)}`);
  }
  lines.push(`  ${'total'.padEnd(34)} ${pad(app.usPerRequest, 7)}  ${pad(floor.usPerRequest, 7)}`);
  return lines.join('\n');
}
