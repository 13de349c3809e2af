import type { CliContext } from './command.js';
import type { CliDatabase } from './database.js';
import { Prompter } from './prompter.js';

/** One run of the CLI: the real stdin, stdout, stderr and database, each opened only if used. */
export class CliSession implements CliContext {
  readonly env = process.env;
  private prompter: Prompter | undefined;
  private opened: Promise<CliDatabase> | undefined;

  out(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  ask(question: string): Promise<string> {
    return this.input().ask(question);
  }

  askHidden(question: string): Promise<string> {
    return this.input().ask(question, true);
  }

  database(): Promise<CliDatabase> {
    // Imported here, not above: TypeORM, Nest and pg take most of a second to load.
    return (this.opened ??= import('./database.js').then(({ openCliDatabase }) => openCliDatabase()));
  }

  async close(): Promise<void> {
    this.prompter?.close();
    const database = await this.opened?.catch(() => undefined);
    await database?.close();
  }

  private input(): Prompter {
    return (this.prompter ??= new Prompter());
  }
}
