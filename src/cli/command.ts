import type { parseArgs, ParseArgsConfig } from 'node:util';
import type { CliDatabase } from './database.js';

/** A command's options, as node:util parseArgs takes them (every command also gets -h/--help). */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs gives for those options. */
export type OptionValues<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>['values'];

export interface CommandArguments<O extends OptionSpecs> {
  values: OptionValues<O>;
  /** As many as the command declares, in order. */
  positionals: string[];
}

/** What a command may do: write, ask, and reach the database. */
export interface CliContext {
  /** A line on stdout: results and prompts only. */
  out(line: string): void;
  /** A line on stderr: what went wrong, worded for the user. */
  err(line: string): void;
  /** The next line typed on stdin, after printing `question`; the input ending first is an error. */
  ask(question: string): Promise<string>;
  /** The same, not echoed (passwords). */
  askHidden(question: string): Promise<string>;
  /** The database, its schema brought up to date; opened on the first call, never before. */
  database(): Promise<CliDatabase>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * One command of `node dist/cli.js`: a file in commands/ and a line in registry.ts. Arguments
 * are parsed for it (strictly; --help answered) before `run` is called.
 */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** Django's manage.py name, where Django has the command. */
  readonly name: string;
  /** One line, without a final period, for the command list. */
  readonly summary: string;
  /** The usage line after the command's name, e.g. `<username> [--password <password>]`. */
  readonly usage: string;
  readonly options: O;
  /** One line for each option, shown by --help. */
  readonly optionHelp: { readonly [K in keyof O]: string };
  /** Names of the positional arguments, all required; none when absent. */
  readonly positionals?: readonly string[];
  /** More for --help: environment variables, exit codes, notes. */
  readonly notes?: string;
  run(args: CommandArguments<O>, cli: CliContext): Promise<void>;
}

/** Declares a command, typing `run`'s values from its options. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}
