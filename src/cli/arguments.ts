import { parseArgs } from 'node:util';
import type { Command, CommandArguments, OptionSpecs } from './command.js';
import { UsageError } from './errors.js';

const HELP: OptionSpecs = { help: { type: 'boolean', short: 'h' } };

/**
 * Reads a command's arguments the same way for every command: 'help' when -h or --help appears
 * (whatever else is there), else the values, or a UsageError naming the first thing wrong.
 */
export function parseCommandLine<O extends OptionSpecs>(command: Command<O>, argv: readonly string[]): CommandArguments<O> | 'help' {
  const options: OptionSpecs = { ...command.options, ...HELP };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) return 'help';

  const expected = command.positionals ?? [];
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (positionals === expected.length) throw new UsageError(`unexpected argument '${token.value}'`);
      positionals++;
    } else if (token.kind === 'option') {
      const spec = options[token.name];
      if (spec === undefined) throw new UsageError(`unknown option '${token.rawName}'`);
      if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`option '${token.rawName}' does not take a value`);
      if (spec.type === 'string' && token.value === undefined) throw new UsageError(`option '${token.rawName}' needs a value`);
      if (spec.type === 'string' && !token.inlineValue && isOptionLike(token.value!)) {
        // parseArgs' strict mode refuses it too: more likely a forgotten value than a value.
        throw new UsageError(`option '${token.rawName}' needs a value; for one starting with '-', write ${token.rawName}=VALUE`);
      }
    }
  }
  if (positionals < expected.length) throw new UsageError(`missing argument <${expected[positionals]}>`);

  try {
    const parsed = parseArgs({ args: [...argv], options: command.options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    // Anything the checks above missed still ends as one line, not a stack.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message);
    throw error;
  }
}

function isOptionLike(value: string): boolean {
  return value.length > 1 && value.startsWith('-');
}
