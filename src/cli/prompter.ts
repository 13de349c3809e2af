import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CommandError } from './errors.js';

/**
 * Answers to prompts, one line each, from a single reader of stdin: piped answers given all at
 * once are kept for the prompts that follow, and stdin ending before an answer is an error.
 */
export class Prompter {
  private muted = false;
  private readonly rl = createInterface({
    input: process.stdin,
    // Echo passes through this stream, so muting it hides what is typed (passwords).
    output: new Writable({
      write: (chunk, _encoding, done) => {
        if (!this.muted) process.stdout.write(chunk);
        done();
      },
    }),
    terminal: process.stdin.isTTY === true,
  });
  private readonly lines = this.rl[Symbol.asyncIterator]();
  /** Ctrl-C at a terminal prompt (readline takes it as input, not as a signal). */
  private readonly cancelled = new Promise<never>((_resolve, reject) =>
    this.rl.once('SIGINT', () => reject(new CommandError('Operation cancelled.'))),
  );

  constructor() {
    this.cancelled.catch(() => {});
  }

  async ask(question: string, hidden = false): Promise<string> {
    process.stdout.write(question);
    this.muted = hidden;
    try {
      const { value, done } = await Promise.race([this.lines.next(), this.cancelled]);
      if (done) throw new CommandError('No answer: the input ended before every question was answered.');
      return value;
    } finally {
      this.muted = false;
      if (hidden) process.stdout.write('\n');
    }
  }

  close(): void {
    this.rl.close();
  }
}
