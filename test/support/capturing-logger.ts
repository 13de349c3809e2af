import { ConsoleLogger } from '@nestjs/common';

/** Keeps every line the app logs, at every level. */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];

  constructor() {
    super('test', { logLevels: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] });
  }

  protected override printMessages(messages: unknown[], context?: string, level?: string): void {
    for (const message of messages) this.lines.push(`${level} [${context}] ${typeof message === 'string' ? message : JSON.stringify(message)}`);
  }

  protected override printStackTrace(stack: string): void {
    this.lines.push(stack);
  }

  /** The auth events logged so far, parsed. */
  events(): Record<string, unknown>[] {
    return this.lines.filter((line) => / \[AuthEvents\] \{/.test(line)).map((line) => JSON.parse(line.slice(line.indexOf('{'))));
  }
}
