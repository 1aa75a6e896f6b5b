import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskWatch, diskUse } from './disk-usage.js';

const MiB = 1024 * 1024;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agentry-disk-'));
  for (const dir of ['run', 'storage']) mkdirSync(join(root, dir));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test("what storage held before the run (earlier runs' files) does not count; what the run writes there and in its folder does", async () => {
  writeFileSync(join(root, 'storage', 'earlier.bin'), Buffer.alloc(5 * MiB, 1));
  const over: number[] = [];
  const watch = await DiskWatch.start({
    runDir: join(root, 'run'),
    storageDir: join(root, 'storage'),
    limitBytes: 2 * MiB,
    intervalMs: 60_000,
    over: (used) => over.push(used),
  });
  try {
    expect(await watch.used()).toBeLessThan(MiB / 2);
    writeFileSync(join(root, 'run', 'a.bin'), Buffer.alloc(MiB, 1));
    writeFileSync(join(root, 'storage', 'b.bin'), Buffer.alloc(MiB, 1));
    const used = await watch.used();
    expect(used).toBeGreaterThanOrEqual(2 * MiB);
    expect(used).toBeLessThan(3 * MiB);
  } finally {
    watch.stop();
  }
});

test('links count as links, not as what they point at', async () => {
  const big = join(root, 'big.bin');
  writeFileSync(big, Buffer.alloc(4 * MiB, 1));
  symlinkSync(big, join(root, 'run', 'link'));
  expect((await diskUse(join(root, 'run'))).bytes).toBeLessThan(MiB);
  // Control: the file itself does count.
  expect((await diskUse(root)).bytes).toBeGreaterThanOrEqual(4 * MiB);
});

test('more entries than allowed is over any byte cap (a million empty files would stall the watcher)', async () => {
  for (let i = 0; i < 20; i++) writeFileSync(join(root, 'run', `f${i}`), '');
  expect(await diskUse(join(root, 'run'), 10)).toMatchObject({ bytes: Infinity });
  expect(await diskUse(join(root, 'run'), 100)).toEqual({ bytes: expect.any(Number), entries: 20 });
});
