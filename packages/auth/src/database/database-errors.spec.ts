import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { databaseUnavailability } from './database-errors.js';

/** An error as pg makes it: a message and PostgreSQL's SQLSTATE (or a socket's errno) in `code`. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('databaseUnavailability', () => {
  it.each([
    ['a statement timeout', pgError('canceling statement due to statement timeout', '57014'), 'timeout', '57014 canceling statement due to statement timeout'],
    ['a lock timeout', pgError('canceling statement due to lock timeout', '55P03'), 'timeout', '55P03 canceling statement due to lock timeout'],
    ['no answer within query_timeout', pgError('Query read timeout'), 'timeout', 'Query read timeout'],
    ['no connection free within the pool timeout', pgError('timeout exceeded when trying to connect'), 'timeout', 'timeout exceeded when trying to connect'],
    ['an administrator shutdown', pgError('terminating connection due to administrator command', '57P01'), 'unreachable', '57P01 terminating connection due to administrator command'],
    ['a crash shutdown', pgError('terminating connection because of crash of another server process', '57P02'), 'unreachable', '57P02 terminating connection because of crash of another server process'],
    ['a server starting up', pgError('the database system is starting up', '57P03'), 'unreachable', '57P03 the database system is starting up'],
    ['too many connections', pgError('sorry, too many clients already', '53300'), 'unreachable', '53300 sorry, too many clients already'],
    ['a connection exception', pgError('connection failure', '08006'), 'unreachable', '08006 connection failure'],
    ['a refused connection', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'unreachable', 'ECONNREFUSED connect ECONNREFUSED 127.0.0.1:5432'],
    ['a reset connection', pgError('read ECONNRESET', 'ECONNRESET'), 'unreachable', 'ECONNRESET read ECONNRESET'],
    ['a host that does not resolve', pgError('getaddrinfo ENOTFOUND db', 'ENOTFOUND'), 'unreachable', 'ENOTFOUND getaddrinfo ENOTFOUND db'],
    ['a connection lost', pgError('Connection terminated unexpectedly'), 'unreachable', 'Connection terminated unexpectedly'],
    ['a connect timeout', pgError('Connection terminated due to connection timeout'), 'unreachable', 'Connection terminated due to connection timeout'],
    ['a pool being closed', pgError('Cannot use a pool after calling end on the pool'), 'unreachable', 'Cannot use a pool after calling end on the pool'],
    ['a database closed to connections', pgError('database "app" is not currently accepting connections', '55000'), 'unreachable', '55000 database "app" is not currently accepting connections'],
  ])('knows %s', (_case, error, kind, description) => {
    expect(databaseUnavailability(error)).toEqual({ kind, description });
  });

  it('looks inside what wraps the error: TypeORM, a cause, an AggregateError', () => {
    const timeout = pgError('canceling statement due to statement timeout', '57014');
    const wrapped = new QueryFailedError('SELECT 1', [], timeout);
    expect(databaseUnavailability(wrapped)).toEqual({ kind: 'timeout', description: '57014 canceling statement due to statement timeout' });
    expect(databaseUnavailability(new Error('lookup failed', { cause: pgError('read ECONNRESET', 'ECONNRESET') }))?.kind).toBe('unreachable');
    const refusedTwice = new AggregateError([pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')]);
    expect(databaseUnavailability(refusedTwice)?.kind).toBe('unreachable');
    const notConnected = Object.assign(new Error('Cannot execute operation on "default" connection'), { name: 'CannotExecuteNotConnectedError' });
    expect(databaseUnavailability(notConnected)?.kind).toBe('unreachable');
  });

  it('leaves every other error alone: those are bugs or bad requests, not an unavailable database', () => {
    for (const error of [
      pgError('duplicate key value violates unique constraint', '23505'),
      pgError('syntax error at or near "SELEC"', '42601'),
      pgError('password authentication failed for user "app"', '28P01'),
      pgError('relation "token_blacklist_outstandingtoken" does not exist', '42P01'),
      new QueryFailedError('SELECT', [], pgError('invalid input syntax for type bigint', '22P02')),
      new TypeError('Cannot read properties of undefined'),
      'a string',
      null,
      undefined,
    ]) {
      expect(databaseUnavailability(error)).toBeNull();
    }
  });

  it('never repeats a query or its parameters, only the first line of the message', () => {
    const error = pgError('canceling statement due to statement timeout\nCONTEXT: SQL statement "UPDATE auth_user SET password = ..."', '57014');
    expect(databaseUnavailability(error)?.description).toBe('57014 canceling statement due to statement timeout');
  });
});
