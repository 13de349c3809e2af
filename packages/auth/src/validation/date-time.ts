/**
 * A timestamp as DRF's DateTimeField renders it in UTC: Python's isoformat with `Z`, six
 * fraction digits, or none on a whole second (`2026-11-24T04:28:03.482000Z`, `...:03Z`).
 */
export function drfDateTime(date: Date): string {
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 23)}000Z`;
}
