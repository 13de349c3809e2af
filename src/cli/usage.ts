import type { Command, OptionSpecs } from './command.js';

/** How the operator runs the CLI; every usage line and error hint says it this way. */
export const PROGRAM = 'node dist/cli.js';

/** `node dist/cli.js --help`: every command with its summary. */
export function programUsage(commands: readonly Command[]): string {
  return [
    `Usage: ${PROGRAM} <command> [options]   (or: npm run cli -- <command> [options])`,
    '',
    "Commands (named as Django's manage.py names them):",
    ...table(commands.map((command) => [command.name, command.summary])),
    '',
    `${PROGRAM} <command> --help (or: ${PROGRAM} help <command>) shows a command's options.`,
    'Exit status: 0 done, 1 refused or failed, 2 bad command line (then nothing was run).',
  ].join('\n');
}

/** `node dist/cli.js <command> --help`. */
export function commandUsage(command: Command): string {
  const options = Object.entries(command.options).map(([name, spec]) => [flag(name, spec), command.optionHelp[name]] as const);
  return [
    `Usage: ${PROGRAM} ${command.name}${command.usage ? ` ${command.usage}` : ''}`,
    '',
    `${command.summary}.`,
    '',
    'Options:',
    ...table([...options, ['-h, --help', 'show this help and exit']]),
    ...(command.notes ? ['', command.notes] : []),
  ].join('\n');
}

function flag(name: string, spec: OptionSpecs[string]): string {
  return `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` <${name}>` : ''}`;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}
