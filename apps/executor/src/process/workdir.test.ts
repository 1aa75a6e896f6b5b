import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSharedFiles } from './workdir.js';

/**
 * Another executor sharing the work root prepares it while this one's scripts start (a replica
 * restarted beside the others): node reads the work root's package.json as each script starts, and
 * a truncated one makes it exit 1 before the script's first line (the executor-lost drill saw a run
 * end "Agent finished (error)" that way).
 */

/** A process reading package.json as fast as it can until its stdin closes; prints `<reads> <bad reads>`. */
const READER = `
const fs = require('fs');
const file = process.argv[1];
const expected = fs.readFileSync(file, 'utf8');
let reads = 0, bad = 0, open = true;
process.stdin.on('end', () => { open = false; }).resume();
(function loop() {
  for (let i = 0; i < 200; i++) { reads++; let text = null; try { text = fs.readFileSync(file, 'utf8'); } catch {} if (text !== expected) bad++; }
  if (open) setImmediate(loop); else console.log(reads + ' ' + bad);
})();
`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentry-workdir-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `prepare` on the root `times` times while a reader process reads its package.json; its counts. */
async function readsWhilePreparing(prepare: (root: string) => Promise<void>, times: number): Promise<{ reads: number; bad: number }> {
  await writeSharedFiles(root);
  const reader = spawn(process.execPath, ['-e', READER, join(root, 'package.json')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  reader.stdout.on('data', (chunk) => (out += chunk));
  const exited = new Promise((resolve) => reader.once('exit', resolve));
  for (let i = 0; i < times; i++) await prepare(root);
  reader.stdin.end();
  await exited;
  const [reads, bad] = out.trim().split(' ').map(Number);
  return { reads: reads!, bad: bad! };
}

test('a second executor preparing the shared work root never shows a starting script a missing or partial package.json', async () => {
  const { reads, bad } = await readsWhilePreparing(writeSharedFiles, 2000);
  expect(reads).toBeGreaterThan(0);
  expect(bad).toBe(0);
});

test('control: rewriting package.json in place (as before) shows the reader a truncated file', async () => {
  const { reads, bad } = await readsWhilePreparing((r) => writeFile(join(r, 'package.json'), '{ "private": true }\n'), 2000);
  expect(reads).toBeGreaterThan(0);
  expect(bad).toBeGreaterThan(0);
});
