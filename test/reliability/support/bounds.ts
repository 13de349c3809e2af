// The longest any request may take while the database fails, with the default settings:
// DATABASE_POOL_TIMEOUT (3 s) + DATABASE_STATEMENT_TIMEOUT (5 s) + a second.
export const POOL_TIMEOUT_MS = 3000;
export const STATEMENT_TIMEOUT_MS = 5000;
export const BOUND_MS = POOL_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 1000;
