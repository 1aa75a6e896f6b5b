/** Dates as the API sends them (ms) in a given IANA zone; the zone is named so nobody guesses. */
export function formatDate(ms: number | undefined | null, timeZone?: string): string {
  if (ms === undefined || ms === null) return '—';
  try {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone || undefined }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
}

export const timeZoneOf = (agent: { repeatedLaunchTimes?: { timezone?: string } | null }) => agent.repeatedLaunchTimes?.timezone || 'UTC';

/** A fresh idempotency key for one launch (the same key resumes its stream). */
export const newIdempotencyKey = () => `console-${crypto.randomUUID()}`;
