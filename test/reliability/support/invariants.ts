// What must hold in the token tables after any crash, as SQL that counts violations. Written
// against the outstanding/blacklist schema; when sessions get a table of their own, adapt the
// statements here (each names what it checks) and the drills keep working.
import type pg from 'pg';

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';

export const INVARIANTS: Record<string, string> = {
  /** A blacklist row always points at a token it blacklists. */
  'blacklist rows without their token': `
    SELECT count(*)::int AS n FROM ${BLACKLISTED} b
    LEFT JOIN ${OUTSTANDING} o ON o.id = b.token_id WHERE o.id IS NULL`,
  /** Every token's session began with a token that is still recorded. */
  'tokens whose session has no first token': `
    SELECT count(*)::int AS n FROM ${OUTSTANDING} o
    WHERE NOT EXISTS (SELECT 1 FROM ${OUTSTANDING} f WHERE f.jti = o.session_id)`,
  /** Tokens name users that exist. */
  'tokens of users that do not exist': `
    SELECT count(*)::int AS n FROM ${OUTSTANDING} o
    WHERE o.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM auth_user u WHERE u.id::text = o.user_id)`,
  /** Rotation forks nothing: a session has at most one refresh token that is not blacklisted. */
  'sessions with more than one live token': `
    SELECT count(*)::int AS n FROM (
      SELECT o.session_id FROM ${OUTSTANDING} o
      WHERE o.expires_at > now() AND NOT EXISTS (SELECT 1 FROM ${BLACKLISTED} b WHERE b.token_id = o.id)
      GROUP BY o.session_id HAVING count(*) > 1) forked`,
};

/** Each invariant with its number of violations (all zero when the data is sound). */
export async function checkInvariants(run: (text: string) => Promise<pg.QueryResultRow[]>): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const [name, text] of Object.entries(INVARIANTS)) found[name] = (await run(text))[0].n as number;
  return found;
}
