// What must hold in the token tables after any crash, as SQL that counts violations: one
// statement per invariant, named for what it checks, so a schema change means editing a line
// here. Sessions (token_session: one row per login holding its live token and that token's
// parent) carry every token issued now; the token_blacklist tables hold the older ones.
import type pg from 'pg';

const SESSIONS = 'token_session';
const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';

export const INVARIANTS: Record<string, string> = {
  /** Every session belongs to a user that exists. */
  'sessions of users that do not exist': `
    SELECT count(*)::int AS n FROM ${SESSIONS} s
    WHERE NOT EXISTS (SELECT 1 FROM auth_user u WHERE u.id::text = s.user_id)`,
  /** A rotation writes the parent and its time together, and never makes a token its own parent. */
  'half-written rotations': `
    SELECT count(*)::int AS n FROM ${SESSIONS}
    WHERE (parent_jti IS NULL) <> (parent_rotated_at IS NULL) OR parent_jti = live_jti
       OR (access_jti IS NULL) <> (access_exp IS NULL) OR live_exp < live_iat`,
  /** A revocation writes its time and its reason together. */
  'half-written revocations': `
    SELECT count(*)::int AS n FROM ${SESSIONS} WHERE (revoked_at IS NULL) <> (revoked_reason IS NULL)`,
  /** Rotation forks nothing: one live refresh token per session, and no token live in two. */
  'refresh tokens live in more than one session': `
    SELECT count(*)::int AS n FROM (
      SELECT live_jti FROM ${SESSIONS} GROUP BY live_jti HAVING count(*) > 1) shared`,
  /** A blacklist row always points at a token it blacklists. */
  'blacklist rows without their token': `
    SELECT count(*)::int AS n FROM ${BLACKLISTED} b
    LEFT JOIN ${OUTSTANDING} o ON o.id = b.token_id WHERE o.id IS NULL`,
  /** An older token names a session that is recorded, as a session or as its first token. */
  'older tokens of no recorded session': `
    SELECT count(*)::int AS n FROM ${OUTSTANDING} o
    WHERE o.session_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${SESSIONS} s WHERE s.id = o.session_id)
      AND NOT EXISTS (SELECT 1 FROM ${OUTSTANDING} f WHERE f.jti = o.session_id)`,
};

/** Each invariant with its number of violations (all zero when the data is sound). */
export async function checkInvariants(run: (text: string) => Promise<pg.QueryResultRow[]>): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const [name, text] of Object.entries(INVARIANTS)) found[name] = (await run(text))[0].n as number;
  return found;
}
