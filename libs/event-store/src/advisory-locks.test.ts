import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADVISORY_LOCK_NAMESPACE } from './schema-names.js';

const REPO = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** TypeScript sources of every app and library (tests included: a test taking a platform lock must use the table too). */
function sources(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts')) found.push(path);
    }
  };
  for (const top of ['apps', 'libs']) {
    for (const pkg of readdirSync(join(REPO, top), { withFileTypes: true })) {
      if (pkg.isDirectory()) {
        try {
          walk(join(REPO, top, pkg.name, 'src'));
        } catch {
          // a package without src
        }
      }
    }
  }
  return found;
}

test('every platform advisory lock has its own namespace (locks are per database, and every service shares one)', () => {
  const values = Object.values(ADVISORY_LOCK_NAMESPACE);
  expect(new Set(values).size).toBe(values.length);
});

test('no source takes a platform lock namespace from a literal of its own (the reaper once reused the scheduler firer’s and never reaped)', () => {
  const literal = /0x4147[0-9a-f]{4}/i;
  const offenders = sources().filter(
    (file) => !file.endsWith('schema-names.ts') && !file.endsWith('advisory-locks.test.ts') && literal.test(readFileSync(file, 'utf8')),
  );
  expect(offenders.map((file) => file.slice(REPO.length + 1))).toEqual([]);
});
