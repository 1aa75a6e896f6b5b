/**
 * Last line of defence: credentials that reach a log message anyway (a driver error quoting its
 * connection string, a URL with `key=` in its query) are masked before the line is written.
 * Callers still must not log payloads or config; this only catches the shapes we know.
 */
const PATTERNS: [RegExp, string][] = [
  // scheme://user:password@host (NATS_URL, DATABASE_URL)
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@'],
  // Authorization: Bearer <token>
  [/\b(Bearer\s+)[^\s"',;]+/gi, '$1***'],
  // API key headers and key / password / token parameters in query strings or messages
  [/\b(x-phantombuster-key(?:-1)?|key|apikey|api_key|password|pass|token|secret)(["']?\s*[=:]\s*["']?)[^\s"'&,;}]+/gi, '$1$2***'],
  // generated API keys: ak_<prefix>_<secret> keeps the prefix (it identifies the key, it is not the secret)
  [/\b(ak_[A-Za-z0-9]+_)[A-Za-z0-9]+/g, '$1***'],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Keys whose values are never logged when an object is logged. */
const SECRET_KEYS = /^(password|pass|secret|secretKey|token|key|apiKey|authorization|credentials|proxyPassword|cookie)$/i;

/** Objects given as log messages are serialised with secret-looking keys masked. */
export function stringifyForLog(value: unknown): string {
  try {
    return redactSecrets(JSON.stringify(value, (k, v) => (k && SECRET_KEYS.test(k) ? '***' : v)) ?? String(value));
  } catch {
    return '[unserialisable]';
  }
}
