/**
 * Conditions for migration statements, so that each runs only where it has something to do: on
 * this module's own tables, on SimpleJWT's as Django's migrations made them (a Django database
 * adopted in place), and again on a database it already ran on. Each is one plain statement (a
 * DO block), so TypeORM's runner and `migrateSchema` apply them alike, and a statement with
 * nothing to do takes no lock.
 */

/** `ddl` when `table`.`column` exists and its information_schema.columns row meets `where`. */
export function ifColumn(table: string, column: string, ddl: string, where = 'true'): string {
  return `DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns c
               WHERE c.table_schema = current_schema() AND c.table_name = '${table}' AND c.column_name = '${column}' AND ${where}) THEN
      ${ddl};
    END IF;
  END $$`;
}

/**
 * `ddl` (an index on `table`.`column`) unless an index already has that column as its whole key:
 * Django's own index of a column is kept and not doubled.
 */
export function unlessIndexed(table: string, column: string, ddl: string): string {
  return `DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                   WHERE i.indrelid = '${table}'::regclass AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = '${column}') THEN
      ${ddl};
    END IF;
  END $$`;
}
