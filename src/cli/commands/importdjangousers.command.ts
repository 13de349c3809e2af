import { readFileSync } from 'node:fs';
import { DjangoImportError } from '../../users/django-import.js';
import { defineCommand } from '../command.js';
import { CommandError, UsageError } from '../errors.js';

/** Users from Django, their password hashes kept: they log in with the passwords they have. */
export default defineCommand({
  name: 'importdjangousers',
  summary: 'Import the users of a Django project, keeping their password hashes',
  usage: '(--from-json <file> | --from-database <url>) [--time-zone <zone>]',
  options: {
    'from-json': { type: 'string' },
    'from-database': { type: 'string' },
    'time-zone': { type: 'string' },
  },
  optionHelp: {
    'from-json': 'the output of `manage.py dumpdata auth.user` (- for stdin)',
    'from-database': "a PostgreSQL URL of the Django project's database (its auth_user table)",
    'time-zone': "Django's TIME_ZONE, for a dump of a project with USE_TZ = False",
  },
  notes:
    'Ids, usernames, emails, names, flags, last_login and date_joined are kept. Running it again changes\n' +
    'nothing; a user whose id or username belongs to someone else here is skipped and named.\n' +
    'Everything is one transaction: bad input imports nobody.',
  async run({ values }, cli) {
    const json = values['from-json'];
    const url = values['from-database'];
    if ((json === undefined) === (url === undefined)) throw new UsageError('give exactly one of --from-json and --from-database');
    let text: string | undefined;
    if (json !== undefined) {
      try {
        text = readFileSync(json === '-' ? 0 : json, 'utf8');
      } catch (error) {
        throw new CommandError(`cannot read ${json}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    const database = await cli.database();
    let report;
    try {
      report = text !== undefined
        ? await database.djangoImport.fromDumpdata(text, { timeZone: values['time-zone'] })
        : await database.djangoImport.fromDatabase(url!);
    } catch (error) {
      if (error instanceof DjangoImportError) throw new CommandError(error.message);
      // pg's messages name the problem (refused, no such database, no auth_user), never the password.
      if (url !== undefined && typeof (error as { code?: unknown }).code === 'string') {
        throw new CommandError(`cannot read the Django database: ${(error as Error).message}`);
      }
      throw error;
    }
    cli.out(`Imported ${report.created} new user${report.created === 1 ? '' : 's'}; ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped.length} skipped.`);
    for (const skipped of report.skipped) cli.out(`Skipped ${skipped.username} (id ${skipped.id}): ${skipped.reason}`);
  },
});
