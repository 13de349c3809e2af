import { runCli } from './cli/run-cli.js';

/** `node dist/cli.js <command> [options]`: see src/cli/ (one file per command in commands/). */
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
