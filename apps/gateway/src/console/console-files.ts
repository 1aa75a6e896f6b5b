import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * apps/console/dist, found from this file's place in the repository (apps/gateway/{src,dist}/console/
 * → apps/console/dist): a path on disk, not an import, so the gateway stays free of the console's
 * code and builds without it. A gateway started before the console was built answers its pages 404.
 */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/** Paths the console must never shadow: an unknown API path stays the API's 404, not index.html. */
const API_PREFIXES = ['/api/', '/v1/', '/v2/', '/docs/'];
const API_PATHS = new Set(['/api', '/v1', '/v2', '/docs', '/livez', '/readyz', '/health', '/metrics']);

export const isApiPath = (path: string): boolean => API_PATHS.has(path) || API_PREFIXES.some((prefix) => path.startsWith(prefix));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Vite names every file under assets/ after a hash of its content, so a browser may keep them for a
 * year; index.html names the current ones and must be asked again every time (`no-cache`), or a
 * deploy would leave browsers on the old bundle.
 */
export function cacheControlFor(relativePath: string): string {
  if (relativePath.startsWith('assets/')) return 'public, max-age=31536000, immutable';
  if (relativePath === 'index.html') return 'no-cache';
  return 'public, max-age=3600';
}

export interface ConsoleFile {
  relativePath: string;
  contentType: string;
  body: Buffer;
}

/**
 * The file of the console a URL path names, or undefined. The path comes from anyone on the
 * network: it is decoded once, must stay inside the dist folder after resolving links (`..`, encoded
 * slashes, backslashes and symbolic links cannot climb out), may not name a hidden file, and must be a regular
 * file with a known type. A path without an extension is a page of the single-page app: index.html.
 */
export async function findConsoleFile(urlPath: string, root: string = CONSOLE_DIST): Promise<ConsoleFile | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0] ?? '');
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return undefined;
  const wanted = segments.length === 0 || extname(segments[segments.length - 1]!) === '' ? 'index.html' : segments.join('/');
  const contentType = CONTENT_TYPES[extname(wanted)];
  if (!contentType) return undefined;
  try {
    // Real paths on both sides: a symbolic link inside dist/ must not lead out of it either.
    const rootDir = await realpath(resolve(root));
    const file = await realpath(join(rootDir, wanted));
    if (!file.startsWith(rootDir + sep)) return undefined;
    if (!(await stat(file)).isFile()) return undefined;
    return { relativePath: wanted, contentType, body: await readFile(file) };
  } catch {
    return undefined;
  }
}
