/** A bad command line (unknown option, missing value, stray argument): one line, exit 2, nothing run. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * What Django's CommandError is: the command refused or failed, for a reason the user can fix.
 * Each line is printed as `Error: <line>` on stderr; the exit code is 1.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly lines: readonly string[];

  constructor(...lines: string[]) {
    super(lines.join('\n'));
    this.lines = lines;
  }
}
