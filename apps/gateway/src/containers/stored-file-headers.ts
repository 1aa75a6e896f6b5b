/**
 * Files scripts saved are attacker-written content served from the API's own origin: an HTML or
 * SVG file opened in a browser would run its scripts with the API's origin (and any cookie or
 * storage a console on that origin holds). So every stored file is served
 * - with `Content-Security-Policy: sandbox` (plus `default-src 'none'`): even rendered, it runs no
 *   script, loads nothing and gets an opaque origin;
 * - with `X-Content-Type-Options: nosniff`: a browser never guesses HTML out of text/plain;
 * - as `Content-Disposition: attachment` unless its type is on a short list of passive ones a
 *   browser only displays (plain text, CSV, JSON, raster images): HTML, SVG, XML, PDF, unknown
 *   types and anything else are downloaded, never rendered.
 */
const PASSIVE_TYPES = new Set(['text/plain', 'text/csv', 'application/json', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export const STORED_FILE_CSP = "default-src 'none'; sandbox";

const mediaType = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

export const isPassiveType = (contentType: string): boolean => PASSIVE_TYPES.has(mediaType(contentType));

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: the plain name keeps printable ASCII only (no
 * quote, backslash or line break can reach the header), the RFC 5987 form carries the real name.
 */
export function attachmentDisposition(path: string): string {
  const name = path.split('/').pop() || 'file';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function storedFileHeaders(path: string, contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': STORED_FILE_CSP,
    'x-content-type-options': 'nosniff',
  };
  if (!isPassiveType(contentType)) headers['content-disposition'] = attachmentDisposition(path);
  return headers;
}
