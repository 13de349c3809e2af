import pg from 'pg';

type Parser = (value: string) => unknown;

interface FieldDescription {
  readonly name: string;
  readonly dataTypeID: number;
  readonly format?: string;
}

interface TypeParsers {
  getTypeParser(oid: number, format: 'text'): unknown;
}

/** What pg's Result keeps per query: set from a RowShape instead of worked out again. */
interface ResultInternals {
  command: string | null;
  /** The client's type parsers (pg's `types` option), set before the query is sent. */
  _types?: TypeParsers;
  fields: FieldDescription[];
  rows: Record<string, unknown>[];
  _parsers?: Parser[];
  _prebuiltEmptyResultObject?: Record<string, null> | null;
  parseRow(values: (string | null)[]): Record<string, unknown>;
}

/**
 * The columns of a prepared statement's rows, their parsers, and a row maker that sets them in
 * one order, so rows share one hidden class. pg works these out on every query from the row
 * description it gets each time, into a dictionary-mode template object (measured: about 10 µs
 * a query for the refresh's columns, and slower property reads after).
 */
class RowShape {
  private readonly names: string[];
  private readonly oids: number[];
  private readonly formats: string[];
  readonly parsers: Parser[];
  /** Every column in text format (the shape is used only then). */
  readonly text: boolean;

  constructor(fields: readonly FieldDescription[], types: TypeParsers = pg.types) {
    this.names = fields.map((field) => field.name);
    this.oids = fields.map((field) => field.dataTypeID);
    this.formats = fields.map((field) => field.format ?? 'text');
    this.text = this.formats.every((format) => format === 'text');
    this.parsers = fields.map((field) => types.getTypeParser(field.dataTypeID, 'text') as Parser);
  }

  /** Whether a row description is this one (a schema change re-plans a statement: it may not be). */
  matches(fields: readonly FieldDescription[]): boolean {
    if (fields.length !== this.names.length) return false;
    for (let i = 0; i < fields.length; i++) {
      if (fields[i].name !== this.names[i] || fields[i].dataTypeID !== this.oids[i] || (fields[i].format ?? 'text') !== this.formats[i]) return false;
    }
    return true;
  }

  readonly row = (values: (string | null)[]): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    const { names, parsers } = this;
    for (let i = 0; i < names.length; i++) {
      const value = values[i];
      row[names[i]] = value === null ? null : parsers[i](value);
    }
    return row;
  };
}

/** Row shapes by statement name, shared by every connection of one pool (the same statement text and type parsers on each). */
export type RowShapes = Map<string, RowShape>;

/**
 * A named prepared statement submitted to a pg Client as it is (pg takes any object with
 * `submit`), so pg does not copy its config, and whose rows are made from the statement's cached
 * RowShape. Everything else is pg's Query: the protocol, errors, timeouts.
 */
export class PreparedQuery extends pg.Query {
  constructor(
    private readonly statementName: string,
    text: string,
    values: unknown[],
    private readonly shapes: RowShapes,
  ) {
    // A string config is not copied (an object is, property by property, on every query).
    super(text);
    const query = this as unknown as { name: string; values: unknown[] };
    query.name = statementName;
    query.values = values;
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    const result = (this as unknown as { _result: ResultInternals })._result;
    let shape = this.shapes.get(this.statementName);
    if (shape === undefined || !shape.matches(message.fields)) {
      shape = new RowShape(message.fields, result._types);
      this.shapes.set(this.statementName, shape);
    }
    if (result.command !== null || !shape.text) {
      // A second result set, or binary results (pg's `binary` option): pg's own handling.
      (pg.Query.prototype as unknown as { handleRowDescription(m: unknown): void }).handleRowDescription.call(this, message);
      return;
    }
    result.fields = message.fields;
    result._parsers = shape.parsers;
    result.parseRow = shape.row;
    (this as unknown as { _accumulateRows: boolean })._accumulateRows = true;
  }
}
