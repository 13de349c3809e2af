import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'migrate',
  summary: 'Apply pending database migrations',
  usage: '',
  options: {},
  optionHelp: {},
  notes: 'Every other command also applies pending migrations before it starts.',
  async run(_args, cli) {
    const { applied } = await cli.database();
    if (applied.length === 0) cli.out('No migrations to apply.');
    for (const name of applied) cli.out(`Applied migration ${name}`);
  },
});
