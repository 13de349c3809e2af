/**
 * A SQL statement written with named parameters (`$sid`, `$jti`) and compiled once to pg's
 * positional ones, after `offset` leading positions taken by SQL composed in front of it (a user
 * store's own `$1`). The name makes it a prepared statement, parsed once per connection.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
  /** The parameter names in positional order, after the offset. */
  readonly params: readonly string[];
}

export function statement(name: string, text: string, offset = 0): Statement {
  const params: string[] = [];
  const compiled = text.replace(/\$([a-z][a-z_]*)/g, (_match, param: string) => {
    let index = params.indexOf(param);
    if (index < 0) index = params.push(param) - 1;
    return `$${index + 1 + offset}`;
  });
  return { name, text: compiled, params };
}

/** The positional values of `statement` from named ones, after `leading` values. */
export function values(statement: Statement, named: Record<string, unknown>, leading: unknown[] = []): unknown[] {
  const { params } = statement;
  const positional = leading.length === 0 ? [] : leading.slice();
  for (let i = 0; i < params.length; i++) {
    const value = named[params[i]];
    if (value === undefined && !(params[i] in named)) throw new Error(`statement ${statement.name}: no value for $${params[i]}`);
    positional.push(value);
  }
  return positional;
}
