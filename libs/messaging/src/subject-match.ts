/**
 * NATS subject matching: tokens split on `.`, `*` matches one token, a final `>` matches one or more.
 * Used where the server cannot filter (several filter subjects on one consumer need nats-server 2.10).
 */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

export const matchesAny = (filters: string[], subject: string): boolean => filters.some((f) => subjectMatches(f, subject));
