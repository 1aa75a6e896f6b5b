import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheControlFor, findConsoleFile, isApiPath } from './console-files.js';

/** A dist folder on disk, with a secret beside it that no URL may reach. */
const base = mkdtempSync(join(tmpdir(), 'console-files-'));
const dist = join(base, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, '.env'), 'SECRET=1');
writeFileSync(join(base, 'secret.txt'), 'outside');
symlinkSync(join(base, 'secret.txt'), join(dist, 'assets', 'link.txt'));

const find = (path: string) => findConsoleFile(path, dist);

test('a page path of the single-page app answers index.html; a hashed asset answers itself with its type', async () => {
  for (const path of ['/', '/agents/12', '/scripts', '/settings?x=1']) expect((await find(path))?.relativePath).toBe('index.html');
  const asset = await find('/assets/index-abc123.js');
  expect(asset).toMatchObject({ relativePath: 'assets/index-abc123.js', contentType: 'text/javascript; charset=utf-8' });
  expect(asset?.body.toString()).toBe('console.log(1)');
});

test('hostile paths reach nothing outside dist/, nor hidden files, nor files of unknown type', async () => {
  const hostile = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/.env',
    '/assets/%00.js',
    '/%E0%A4%A.js',
    '/missing.js',
    '/index.html.bak',
  ];
  for (const path of hostile) expect(await find(path)).toBeUndefined();
  // Control: the same folder does serve what it should, so the refusals above are not a broken root.
  expect(await find('/index.html')).toBeDefined();
});

test('a symbolic link inside dist/ pointing outside is not followed out', async () => {
  // A check on the path alone passes here (`assets/link.txt` is inside dist/) and stat follows the
  // link: only comparing real paths refuses it (this test failed before that).
  expect(await find('/assets/link.txt')).toBeUndefined();
});

test('hashed assets are cached for a year, index.html is asked again every time', () => {
  expect(cacheControlFor('assets/index-abc123.js')).toBe('public, max-age=31536000, immutable');
  expect(cacheControlFor('index.html')).toBe('no-cache');
});

test('API paths are never shadowed by the console', () => {
  for (const path of ['/api/v2/agents/nope', '/api', '/v1/agents/1', '/docs', '/docs/x.js', '/livez', '/readyz', '/metrics'])
    expect(isApiPath(path)).toBe(true);
  for (const path of ['/', '/agents/12', '/apis', '/documents']) expect(isApiPath(path)).toBe(false);
});
