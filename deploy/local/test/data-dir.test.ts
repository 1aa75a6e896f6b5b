import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readOrCreateSecretFile } from '../lib/data-dir.mjs';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentry-data-dir-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

test('creates the secret once with mode 0600 and reads the same value afterwards', async () => {
  const file = path.join(dir, 'secret.key');
  let generated = 0;
  const generate = () => `value-${++generated}`;
  expect(await readOrCreateSecretFile(file, generate)).toEqual({ value: 'value-1', created: true });
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  expect(await readOrCreateSecretFile(file, generate)).toEqual({ value: 'value-1', created: false });
  expect(generated).toBe(1);
});

test('tightens a secret file someone made readable by others', async () => {
  const file = path.join(dir, 'secret.key');
  await fs.writeFile(file, 'kept\n', { mode: 0o644 });
  expect(await readOrCreateSecretFile(file, () => 'new')).toEqual({ value: 'kept', created: false });
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
});

test('two launchers racing for the file end up with the same secret', async () => {
  const file = path.join(dir, 'secret.key');
  let n = 0;
  const results = await Promise.all(Array.from({ length: 8 }, () => readOrCreateSecretFile(file, () => `value-${++n}`)));
  expect(new Set(results.map((r) => r.value)).size).toBe(1);
  expect(results.filter((r) => r.created)).toHaveLength(1);
});
