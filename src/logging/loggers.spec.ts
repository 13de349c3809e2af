import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AuthEvent, AuthEventSink } from '@nest-simplejwt/auth';
import { appLogger, logLevels } from './app-logger.js';
import { AuthEventLog } from './auth-event-log.js';
import { PinoLogger } from './pino-logger.js';
import { PrettyLogger } from './pretty-logger.js';
import { StdoutLines } from './stdout-lines.js';

/** A pino destination that keeps each line, parsed. */
class Lines {
  readonly lines: Record<string, unknown>[] = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
  }
}

/** What `work` writes to process.stdout and process.stderr (Nest's console logger writes there). */
function consoleOf(work: () => void): string {
  let text = '';
  const write = (chunk: string | Uint8Array) => ((text += chunk.toString()), true);
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(write);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(write);
  try {
    work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

const STACK = 'Error: boom\n    at thing (/srv/app/x.js:1:2)\n    at other (/srv/app/y.js:3:4)';

describe('PinoLogger (LOG_FORMAT=json): what Nest passes, as JSON fields', () => {
  it.each<[string, (logger: PinoLogger) => void, Record<string, unknown>]>([
    ['a message and its context', (l) => l.log('hello', 'Ctx'), { level: 'info', context: 'Ctx', msg: 'hello' }],
    ['no context', (l) => l.log('hello'), { level: 'info', context: '', msg: 'hello' }],
    ['structured params', (l) => l.warn('request completed', { status: 200, route: '/api/me' }, 'AccessLog'), { level: 'warn', context: 'AccessLog', status: 200, route: '/api/me', msg: 'request completed' }],
    ['an error with its stack and context (Nest Logger.error)', (l) => l.error('boom', STACK, 'Ctx'), { level: 'error', context: 'Ctx', stack: STACK, msg: 'boom' }],
    ['an error without a stack (Nest passes undefined)', (l) => l.error('boom', undefined, 'Ctx'), { level: 'error', context: 'Ctx', msg: 'boom' }],
    ['an error with a stack and no context', (l) => l.error('boom', STACK), { level: 'error', context: '', stack: STACK, msg: 'boom' }],
    ['an object message (its msg the text)', (l) => l.debug({ msg: 'text', a: 1 }, 'Ctx'), { level: 'debug', context: 'Ctx', a: 1, msg: 'text' }],
    ['verbose, as pino trace', (l) => l.verbose('v', 'Ctx'), { level: 'trace', context: 'Ctx', msg: 'v' }],
    ['fatal', (l) => l.fatal('down', 'Main'), { level: 'fatal', context: 'Main', msg: 'down' }],
    ['more messages, joined', (l) => l.log('one', 2, 'Ctx'), { level: 'info', context: 'Ctx', msg: 'one 2' }],
  ])('%s', (_case, write, expected) => {
    const out = new Lines();
    write(new PinoLogger(logLevels('verbose'), out));
    expect(out.lines).toHaveLength(1);
    const { time, pid, hostname, ...rest } = out.lines[0];
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect([pid, typeof hostname]).toEqual([process.pid, 'string']);
    expect(rest).toEqual(expected);
  });

  it("writes an Error message as pino's err, with its type and stack", () => {
    const out = new Lines();
    new PinoLogger(logLevels('log'), out).error(new Error('kaput'), 'Ctx');
    expect(out.lines[0]).toMatchObject({ level: 'error', context: 'Ctx', msg: 'kaput', err: { type: 'Error', message: 'kaput', stack: expect.stringContaining('Error: kaput') } });
  });

  it('writes what LOG_LEVEL lets through, and follows setLogLevels', () => {
    const out = new Lines();
    const logger = new PinoLogger(logLevels('warn'), out);
    logger.log('no', 'Ctx');
    logger.debug('no', 'Ctx');
    logger.warn('yes', 'Ctx');
    logger.setLogLevels(logLevels('debug'));
    logger.debug('now yes', 'Ctx');
    logger.verbose('still no', 'Ctx');
    expect(out.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'yes'],
      ['debug', 'now yes'],
    ]);
  });

  it('redacts credential fields at any depth, in arrays too, whatever their case; leaves the object it was given alone', () => {
    const out = new Lines();
    const fields = {
      password: 'a',
      token: 'b',
      'set-cookie': ['c1', 'c2'],
      req: { headers: { Authorization: 'd', 'x-csrftoken': 'e', host: 'kept' } },
      body: { new_password1: 'f', nested: { deeper: [{ refresh: 'g', access: 'h', n: 1 }] } },
      fine: 'kept',
    };
    new PinoLogger(logLevels('log'), out).log('m', fields, 'Ctx');
    expect(out.lines[0]).toMatchObject({
      password: '[REDACTED]',
      token: '[REDACTED]',
      'set-cookie': '[REDACTED]',
      req: { headers: { Authorization: '[REDACTED]', 'x-csrftoken': '[REDACTED]', host: 'kept' } },
      body: { new_password1: '[REDACTED]', nested: { deeper: [{ refresh: '[REDACTED]', access: '[REDACTED]', n: 1 }] } },
      fine: 'kept',
    });
    expect(JSON.stringify(out.lines[0])).not.toMatch(/"[a-h]"|c1|c2/);
    expect(fields.body.nested.deeper[0].refresh).toBe('g');
  });
});

describe('PrettyLogger (LOG_FORMAT=pretty)', () => {
  it("keeps Nest's console look, structured params as one line of JSON, credentials redacted", () => {
    const text = consoleOf(() => new PrettyLogger(logLevels('log')).log('request completed', { status: 200, headers: { cookie: 'sessionid=abc' } }, 'AccessLog'));
    expect(text).toMatch(/^\[Nest\] \d+ {2}- .+ {5}LOG \[AccessLog\] request completed \{"status":200,"headers":\{"cookie":"\[REDACTED\]"\}\}\n$/);
  });

  it('writes what LOG_LEVEL lets through', () => {
    const logger = new PrettyLogger(logLevels('warn'));
    expect(consoleOf(() => logger.log('hidden', 'Ctx'))).toBe('');
    expect(consoleOf(() => logger.warn('shown', 'Ctx'))).toMatch(/WARN \[Ctx\] shown\n$/);
  });
});

describe('appLogger', () => {
  it('is pino for json, Nest\'s console for pretty', () => {
    expect(appLogger({ logFormat: 'json', logLevel: 'log' }, new Lines())).toBeInstanceOf(PinoLogger);
    expect(appLogger({ logFormat: 'pretty', logLevel: 'log' })).toBeInstanceOf(PrettyLogger);
  });
});

describe('AuthEventLog', () => {
  afterEach(() => Logger.overrideLogger(new PrettyLogger(logLevels('log'))));

  it('writes an event as snake_case fields with the request id of the request it happened in; attacks as warnings', () => {
    const out = new Lines();
    Logger.overrideLogger(new PinoLogger(logLevels('log'), out));
    const sink = new AuthEventLog();
    sink.record({ event: 'reuse_detected', userId: '3', sessionId: 's1', ip: '192.0.2.1', requestId: 'req-7' });
    sink.record({ event: 'session_revoked', userId: '3', sessionId: 's2', reason: 'admin', actorId: '1', ip: '192.0.2.9' });
    expect(out.lines.map(({ time: _t, pid: _p, hostname: _h, ...rest }) => rest)).toEqual([
      { level: 'warn', context: 'AuthEvents', event: 'reuse_detected', user_id: '3', session_id: 's1', ip: '192.0.2.1', request_id: 'req-7', msg: 'reuse_detected' },
      { level: 'info', context: 'AuthEvents', event: 'session_revoked', user_id: '3', actor_id: '1', session_id: 's2', reason: 'admin', ip: '192.0.2.9', request_id: null, msg: 'session_revoked' },
    ]);
  });
});

describe('StdoutLines (the JSON lines\' way to stdout)', () => {
  it('writes the lines of one turn of the event loop together at its end; a megabyte at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stdout-lines-'));
    const file = join(dir, 'out');
    const fd = openSync(file, 'w');
    try {
      const lines = new StdoutLines(fd);
      lines.write('{"a":1}\n');
      lines.write('{"b":2}\n');
      expect(readFileSync(file, 'utf8')).toBe('');
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
      lines.write(`${'x'.repeat(1 << 20)}\n`);
      expect(readFileSync(file, 'utf8')).toHaveLength(16 + (1 << 20) + 1);
      lines.write('ü\n');
      lines.flush();
      expect(readFileSync(file, 'utf8').endsWith('x\nü\n')).toBe(true);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
