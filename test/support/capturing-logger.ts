import { ConsoleLogger } from '@nestjs/common';

/** Keeps every line the app logs, at every level: `<level> [<context>] <message>[ <structured params as JSON>]`. */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];

  constructor() {
    super('test', { logLevels: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] });
  }

  protected override printMessages(messages: unknown[], context?: string, level?: string, _stream?: unknown, _stack?: unknown, params?: Record<string, unknown>): void {
    const fields = params === undefined ? '' : ` ${JSON.stringify(params)}`;
    for (const message of messages) this.lines.push(`${level} [${context}] ${typeof message === 'string' ? message : JSON.stringify(message)}${fields}`);
  }

  protected override printStackTrace(stack: string): void {
    this.lines.push(stack);
  }

  /** The auth events logged so far: their fields, parsed. */
  events(): Record<string, unknown>[] {
    return this.lines.filter((line) => / \[AuthEvents\] \w+ \{/.test(line)).map((line) => JSON.parse(line.slice(line.indexOf('{'))));
  }

  /** The access log's lines so far: their fields, parsed. */
  accessLines(): Record<string, unknown>[] {
    return this.lines.filter((line) => / \[AccessLog\] request completed \{/.test(line)).map((line) => JSON.parse(line.slice(line.indexOf('{'))));
  }
}
