import { describe, expect, it } from '@jest/globals';
import { parseCommandLine } from './arguments.js';
import { defineCommand } from './command.js';
import { UsageError } from './errors.js';
import { COMMANDS } from './run-cli.js';

const command = defineCommand({
  name: 'example',
  summary: 'An example',
  usage: '<username> [--password <password>] [--staff]',
  options: { password: { type: 'string' }, staff: { type: 'boolean', default: false } },
  optionHelp: { password: 'the password', staff: 'staff' },
  positionals: ['username'],
  async run() {},
});

const parse = (...argv: string[]) => parseCommandLine(command, argv);
const refusal = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('the command line of every command', () => {
  it('gives the values, defaults included, and the positionals', () => {
    expect(parse('alice', '--password', 'pw', '--staff')).toEqual({ values: { password: 'pw', staff: true }, positionals: ['alice'] });
    expect(parse('--password=pw', 'alice')).toEqual({ values: { password: 'pw', staff: false }, positionals: ['alice'] });
    expect(parse('alice', '--password=-starts-with-a-dash')).toEqual({
      values: { password: '-starts-with-a-dash', staff: false },
      positionals: ['alice'],
    });
    expect(parse('alice', '--password=')).toEqual({ values: { password: '', staff: false }, positionals: ['alice'] });
    expect(parse('--', '-alice')).toEqual({ values: { staff: false }, positionals: ['-alice'] });
    // After `--`, even --help is an argument.
    expect(parse('--', '--help')).toEqual({ values: { staff: false }, positionals: ['--help'] });
  });

  it('is help when -h or --help appears, whatever else is there', () => {
    for (const argv of [['--help'], ['-h'], ['alice', '--staff', '--help'], ['--nope', '-h'], ['extra', 'args', '--help'], ['-sh']]) {
      expect(parseCommandLine(command, argv)).toBe('help');
    }
  });

  it('refuses, naming the first thing wrong', () => {
    expect(refusal('alice', '--nope')).toBe("unknown option '--nope'");
    expect(refusal('alice', '-x')).toBe("unknown option '-x'");
    expect(refusal('alice', '--password')).toBe("option '--password' needs a value");
    expect(refusal('--password', '--staff', 'alice')).toBe("option '--password' needs a value; for one starting with '-', write --password=VALUE");
    expect(refusal('alice', '--staff=yes')).toBe("option '--staff' does not take a value");
    expect(refusal('alice', 'bob')).toBe("unexpected argument 'bob'");
    expect(refusal()).toBe('missing argument <username>');
    expect(refusal('--staff')).toBe('missing argument <username>');
  });
});

describe('the registry', () => {
  it('lists each command once, by the name its file declares, alphabetically', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(names).toEqual(['changepassword', 'createsuperuser', 'createuser', 'flushexpiredtokens', 'generatekey', 'importdjangousers', 'listsessions', 'migrate', 'revokesessions']);
  });
});
