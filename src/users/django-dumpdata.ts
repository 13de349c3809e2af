import { DjangoImportError, toDjangoUsers, type DjangoUser } from './django-user.js';

/**
 * The users in the output of `manage.py dumpdata auth.user` (a JSON list of
 * `{"model": "auth.user", "pk": 1, "fields": {...}}`). `naiveAllowed`: timestamps without a UTC
 * offset are accepted (the import then reads them in the time zone it was given).
 */
export function parseDumpdata(json: string, naiveAllowed = false): DjangoUser[] {
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    // Not the parser's message: it quotes the input, which may hold hashes.
    throw new DjangoImportError('The input is not JSON: expected the output of manage.py dumpdata auth.user');
  }
  if (!Array.isArray(entries)) {
    throw new DjangoImportError(`Expected a JSON list, as manage.py dumpdata auth.user writes, not ${kindOf(entries)}`);
  }
  return toDjangoUsers(entries, 'dumpdata', naiveAllowed);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
