import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachableForRunUser } from './runtime-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-runtime-files-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot('as root, a runtime below a 0700 folder (a clone under /root) is used from a root-owned 0755 copy the run user can read', () => {
  const home = join(dir, 'root-home');
  const runtime = join(home, 'libs', 'runtime', 'script');
  mkdirSync(runtime, { recursive: true });
  chmodSync(home, 0o700);
  writeFileSync(join(runtime, 'bootstrap.cjs'), 'module.exports = 1;\n');
  const copies = join(dir, 'var-lib-agentry');

  const copy = reachableForRunUser(runtime, copies);
  expect(copy.startsWith(join(copies, 'runtime-'))).toBe(true);
  expect(readFileSync(join(copy, 'bootstrap.cjs'), 'utf8')).toBe('module.exports = 1;\n');
  expect({ uid: statSync(copy).uid, mode: statSync(copy).mode & 0o777 }).toEqual({ uid: 0, mode: 0o755 });
  expect(reachableForRunUser(runtime, copies)).toBe(copy); // same content: same copy
  writeFileSync(join(runtime, 'bootstrap.cjs'), 'module.exports = 2;\n');
  expect(reachableForRunUser(runtime, copies)).not.toBe(copy); // changed runtime: a new copy, never a stale one

  // A copy in a folder others may write to is refused: they could swap it.
  chmodSync(copies, 0o777);
  expect(() => reachableForRunUser(runtime, copies)).toThrow(/must belong to root and be writable by root only/);
  chmodSync(copies, 0o755);

  // Control: a runtime others can reach is used where it is.
  chmodSync(home, 0o755);
  expect(reachableForRunUser(runtime, copies)).toBe(runtime);
});
