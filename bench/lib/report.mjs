// What the bench prints and writes: the tables, the chart (hand-written SVG), BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const fmt = (v, digits = 2) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(+v.toFixed(digits)) : String(v));
const int = (v) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const metText = (met) => (met === null || met === undefined ? 'n/a' : met ? 'yes' : 'NO');

export function mainRows(results) {
  return results.scenarios.map((s) => [
    s.title,
    int(s.floor.rps),
    int(s.app.rps),
    fmt(s.ratio),
    `${fmt(s.floor.p50)} / ${fmt(s.floor.p99)}`,
    `${fmt(s.app.p50)} / ${fmt(s.app.p99)}`,
    s.target === null ? '—' : `≥ ${s.target}`,
    metText(s.met),
  ]);
}
export const MAIN_HEADER = ['scenario', 'floor req/s', 'app req/s', 'ratio', 'floor p50 / p99 ms', 'app p50 / p99 ms', 'target', 'met?'];

export function costRows(results) {
  return results.scenarios.map((s) => [
    s.title,
    int(s.floor.cpuUsPerReq),
    int(s.app.cpuUsPerReq),
    s.floor.cpuUsPerReq && s.app.cpuUsPerReq ? fmt(s.floor.cpuUsPerReq / s.app.cpuUsPerReq) : '—',
    `${fmt(s.floor.eldP99)} / ${fmt(s.app.eldP99)}`,
    `${fmt(s.floor.eldMax)} / ${fmt(s.app.eldMax)}`,
    `${int(s.floor.peakRssMb)} / ${int(s.app.peakRssMb)}`,
    `${int(s.floor.errors)} / ${int(s.app.errors)}`,
  ]);
}
export const COST_HEADER = [
  'scenario',
  'floor CPU µs/req',
  'app CPU µs/req',
  'CPU ratio floor/app',
  'event-loop delay p99 floor / app ms',
  'event-loop delay max floor / app ms',
  'peak RSS so far floor / app MB',
  'non-2xx + errors floor / app',
];

export function resourceRows(results) {
  const rows = results.processes.map((p) => [p.name, int(p.startRssMb) + ' MB', int(p.startHeapMb) + ' MB', int(p.peakRssMb) + ' MB']);
  rows.push(['target: app peak RSS under load', '', '', `≤ ${results.rss.target} MB: ${metText(results.rss.met)} (${int(results.rss.measured)} MB)`]);
  return rows;
}

export const RESOURCE_HEADER = ['process', 'RSS when ready', 'V8 heap when ready', 'peak RSS (VmHWM)'];

export function scaleRows(scale) {
  const rows = [];
  if (scale.refresh) {
    const r = scale.refresh;
    rows.push([
      'refresh p50, 1M vs 1k outstanding rows',
      `${fmt(r.small.p50)} ms (${int(r.small.rps)} req/s, ${int(r.small.rows)} rows)`,
      `${fmt(r.large.p50)} ms (${int(r.large.rps)} req/s, ${int(r.large.rows)} rows)`,
      fmt(r.ratio),
      `≤ ${r.target}`,
      metText(r.met),
    ]);
  }
  if (scale.flood) {
    const f = scale.flood;
    rows.push([
      'GET /api/me/ p99, login flood vs alone',
      `${fmt(f.alone.p99)} ms (${int(f.alone.rps)} req/s, ELD p99 ${fmt(f.alone.eldP99)} ms)`,
      `${fmt(f.flood.p99)} ms (${int(f.flood.rps)} req/s, ELD p99 ${fmt(f.flood.eldP99)} ms, ${int(f.flood.logins)} logins/s)`,
      fmt(f.ratio),
      `≤ ${f.target}`,
      metText(f.met),
    ]);
  }
  return rows;
}
export const SCALE_HEADER = ['check', 'baseline', 'under test', 'ratio', 'target', 'met?'];

export function textTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header, rows) {
  const esc = (c) => String(c).replaceAll('|', '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const xml = (s) => String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A bar per scenario: the app/floor req/s ratio, its target as a dashed line across the bar. */
export function chartSvg(results) {
  const scenarios = results.scenarios;
  const W = 720;
  const H = 400;
  const left = 60;
  const right = 20;
  const top = 56;
  const bottom = 80;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const maxRatio = Math.max(1, ...scenarios.map((s) => s.ratio ?? 0), ...scenarios.map((s) => s.target ?? 0));
  const yMax = Math.ceil(maxRatio * 4 + 0.5) / 4;
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const slot = plotW / scenarios.length;
  const barW = Math.min(90, slot * 0.5);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">App throughput as a share of the bare node:http floor (same run)</text>`);
  out.push(`<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${xml(results.date.slice(0, 10))} · ${xml(results.machine.cores)} cores · node ${xml(results.machine.node)} · median of ${results.options.rounds} interleaved rounds of ${results.options.duration} s</text>`);
  for (let v = 0; v <= yMax + 1e-9; v += 0.25) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="${v === 0 ? '#333' : '#e3e3e3'}"/>`);
    out.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v.toFixed(2)}</text>`);
  }
  out.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">app req/s ÷ floor req/s</text>`);
  scenarios.forEach((s, i) => {
    const cx = left + slot * i + slot / 2;
    const ratio = s.ratio ?? 0;
    const color = s.met === null ? '#8a8a8a' : s.met ? '#2e8b57' : '#d2691e';
    out.push(`<rect x="${cx - barW / 2}" y="${y(ratio)}" width="${barW}" height="${y(0) - y(ratio)}" fill="${color}"><title>${xml(s.title)}: ${fmt(s.ratio)}</title></rect>`);
    // The value above the bar, unless the target line runs there: then inside the bar's top.
    const clash = s.target !== null && Math.abs(y(ratio) - 6 - y(s.target)) < 14 && y(0) - y(ratio) > 24;
    out.push(
      clash
        ? `<text x="${cx}" y="${y(ratio) + 17}" text-anchor="middle" font-weight="bold" fill="#ffffff">${fmt(s.ratio)}</text>`
        : `<text x="${cx}" y="${y(ratio) - 6}" text-anchor="middle" font-weight="bold">${fmt(s.ratio)}</text>`,
    );
    if (s.target !== null) {
      out.push(`<line x1="${cx - barW / 2 - 14}" x2="${cx + barW / 2 + 14}" y1="${y(s.target)}" y2="${y(s.target)}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 3"/>`);
      out.push(`<text x="${cx + barW / 2 + 16}" y="${y(s.target) + 4}" fill="#c0392b" font-size="11">≥ ${s.target}</text>`);
    }
    const words = s.short.split(' ');
    words.forEach((w, j) => out.push(`<text x="${cx}" y="${top + plotH + 18 + j * 15}" text-anchor="middle" fill="#222">${xml(w)}</text>`));
    out.push(`<text x="${cx}" y="${top + plotH + 18 + words.length * 15}" text-anchor="middle" fill="#777" font-size="11">${int(s.app.rps)} / ${int(s.floor.rps)} req/s</text>`);
  });
  out.push(`<g font-size="11" fill="#333"><rect x="${left}" y="${H - 18}" width="10" height="10" fill="#2e8b57"/><text x="${left + 14}" y="${H - 9}">target met</text>`);
  out.push(`<rect x="${left + 90}" y="${H - 18}" width="10" height="10" fill="#d2691e"/><text x="${left + 104}" y="${H - 9}">target missed</text>`);
  out.push(`<rect x="${left + 195}" y="${H - 18}" width="10" height="10" fill="#8a8a8a"/><text x="${left + 209}" y="${H - 9}">no target</text>`);
  out.push(`<line x1="${left + 275}" x2="${left + 300}" y1="${H - 13}" y2="${H - 13}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 3"/><text x="${left + 305}" y="${H - 9}">target ratio</text></g>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Replaces what lies between <!-- bench:NAME --> and <!-- /bench:NAME --> in `file`. */
export function replaceSection(file, name, body) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start === -1 || end === -1 || end < start) throw new Error(`${file}: markers ${open} ... ${close} not found`);
  writeFileSync(file, text.slice(0, start + open.length) + '\n' + body.trim() + '\n' + text.slice(end));
}

export function machineLine(m) {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, node ${m.node}, ${m.os}; PostgreSQL ${m.postgres} (embedded, fsync off)`;
}

export function resultsMarkdown(results) {
  const o = results.options;
  return [
    `Latest run: **${results.date}**, \`${results.command}\`  `,
    `Machine: ${machineLine(results.machine)}  `,
    `Load: autocannon in the bench process, closed loop; ${o.rounds} interleaved rounds of ${o.duration} s per server and scenario after ${o.warmup} s of warm-up each; median round. ${o.users} users; connections: ${Object.entries(o.connections).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    markdownTable(MAIN_HEADER, mainRows(results)),
    '',
    'Cost per request (CPU time of the server process over the round ÷ requests answered) and the event-loop delay of each server (beyond the 10 ms timer resolution, median round):',
    '',
    markdownTable(COST_HEADER, costRows(results)),
    '',
    'Peak RSS (VmHWM) of each server process over its whole life, load included:',
    '',
    markdownTable(RESOURCE_HEADER, resourceRows(results)),
    '',
    '![app/floor ratio by scenario](bench/chart.svg)',
  ].join('\n');
}

export function scaleMarkdown(results) {
  const o = results.options;
  return [
    `Latest \`--scale\` run: **${results.date}**, \`${results.command}\`  `,
    `Machine: ${machineLine(results.machine)}  `,
    `${o.rounds} interleaved rounds of ${o.duration} s each; median round.`,
    '',
    markdownTable(SCALE_HEADER, scaleRows(results.scale)),
  ].join('\n');
}

export function ensureBenchmarksFile(file, template) {
  if (!existsSync(file)) writeFileSync(file, template);
}
