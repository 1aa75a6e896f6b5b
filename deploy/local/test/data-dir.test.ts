import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reachableDataFolder, readOrCreateSecretFile } from '../lib/data-dir.mjs';

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

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot(
  'as root with the data folder under a 0700 folder (a clone under /root), the cluster and the storage are kept in a reachable folder, linked from the data folder',
  async () => {
    const home = path.join(dir, 'root-home');
    await fs.mkdir(home, { mode: 0o700 });
    await fs.chmod(dir, 0o755);
    const dataDir = path.join(home, 'agentry', '.agentry');
    await fs.mkdir(path.join(dataDir, 'storage'), { recursive: true, mode: 0o755 }); // left empty by a failed start
    const root = path.join(dir, 'var-lib-agentry');

    const cluster = await reachableDataFolder(dataDir, 'postgres', root);
    expect(path.dirname(cluster)).toBe(path.join(root, 'postgres'));
    expect(await fs.readlink(path.join(dataDir, 'postgres'))).toBe(cluster);
    expect((await fs.stat(cluster)).mode & 0o777).toBe(0o755);
    expect(await reachableDataFolder(dataDir, 'postgres', root)).toBe(cluster); // the next start finds the same cluster
    const storage = await reachableDataFolder(dataDir, 'storage', root);
    expect(path.dirname(storage)).toBe(path.join(root, 'storage'));
    expect(await fs.readlink(path.join(dataDir, 'storage'))).toBe(storage);

    // Control: where others can enter, the folders stay inside the data folder.
    await fs.chmod(home, 0o755);
    const reachable = path.join(dir, 'reachable');
    await fs.mkdir(reachable);
    expect(await reachableDataFolder(reachable, 'postgres', root)).toBe(path.join(reachable, 'postgres'));
  },
);
