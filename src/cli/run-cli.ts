import { ConfigError } from '../config/config-error.js';
import { parseCommandLine } from './arguments.js';
import type { Command } from './command.js';
import { CommandError, UsageError } from './errors.js';
import * as registry from './registry.js';
import { CliSession } from './session.js';
import { commandUsage, PROGRAM, programUsage } from './usage.js';

export const COMMANDS: readonly Command[] = Object.values(registry);

const HELP = ['--help', '-h'];

/**
 * Runs `node dist/cli.js <argv>`; resolves to the exit code. Arguments are checked before
 * anything runs: help and usage errors never open the database or read stdin.
 */
export async function runCli(argv: readonly string[], session = new CliSession()): Promise<number> {
  let command: Command | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      session.err(programUsage(COMMANDS));
      return 2;
    }
    if (first === 'help' || HELP.includes(first)) {
      const topic = first === 'help' && rest.length > 0 && !HELP.includes(rest[0]) ? find(rest[0]) : undefined;
      if (topic && rest.length > 1) throw new UsageError(`unexpected argument '${rest[1]}'`);
      session.out(topic ? commandUsage(topic) : programUsage(COMMANDS));
      return 0;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'`);
    command = find(first);
    const args = parseCommandLine(command, rest);
    if (args === 'help') {
      session.out(commandUsage(command));
      return 0;
    }
    await command.run(args, session);
    return 0;
  } catch (error) {
    return report(error, session, command);
  } finally {
    await session.close();
  }
}

function find(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  return command;
}

function report(error: unknown, session: CliSession, command: Command | undefined): number {
  if (error instanceof UsageError) {
    const where = command ? `${command.name}: ` : '';
    session.err(`Error: ${where}${error.message} (see: ${PROGRAM} ${command ? `${command.name} ` : ''}--help)`);
    return 2;
  }
  if (error instanceof CommandError) {
    for (const line of error.lines) session.err(`Error: ${line}`);
    return 1;
  }
  if (error instanceof ConfigError) {
    session.err(error.message);
    return 1;
  }
  session.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}
