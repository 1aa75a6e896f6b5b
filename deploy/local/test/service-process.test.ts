import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '@agentry/testing';
import { ServiceProcess } from '../lib/service-process.mjs';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentry-service-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const recordingOutput = () => {
  const lines: string[] = [];
  return { lines, line: (source: string, text: string) => lines.push(`${source} | ${text}`), red: (t: string) => t };
};

async function script(name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, body);
  return file;
}

test('a crashing service is restarted once, then given up on; its output is prefixed with its name', async () => {
  const output = recordingOutput();
  const entry = await script('crash.mjs', `console.log('starting'); console.error('about to fail'); process.exit(3);`);
  const gaveUp: string[] = [];
  new ServiceProcess({ name: 'registry', entry, env: process.env, cwd: dir, output, onGiveUp: (s: { name: string }) => gaveUp.push(s.name) }).start();
  await waitUntil(() => gaveUp.length > 0, { timeoutMs: 20_000, message: 'onGiveUp was not called' });
  const lines = output.lines.filter((l) => !l.startsWith('agentry | started'));
  expect(lines).toEqual([
    'registry | starting',
    'registry | about to fail',
    'agentry | registry crashed (exit code 3); restarting it (restart 1 of 1)',
    'registry | starting',
    'registry | about to fail',
    'agentry | registry crashed again (exit code 3); its last output is above',
  ]);
  expect(gaveUp).toEqual(['registry']);
});

test('stop() sends SIGTERM and waits for the exit; a stopped service is not restarted', async () => {
  const output = recordingOutput();
  const entry = await script(
    'server.mjs',
    `process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`,
  );
  const service = new ServiceProcess({ name: 'gateway', entry, env: process.env, cwd: dir, output, onGiveUp: () => output.lines.push('gave up') }).start();
  await waitUntil(() => output.lines.includes('gateway | up'), { timeoutMs: 20_000 });
  expect(await service.stop()).toEqual({ code: 0, signal: null });
  expect(output.lines).toContain('gateway | got SIGTERM');
  expect(output.lines.some((l) => /crashed|gave up/.test(l))).toBe(false);
});

test('a service ignoring SIGTERM is killed after the grace period', async () => {
  const output = recordingOutput();
  const entry = await script('stubborn.mjs', `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000);`);
  const service = new ServiceProcess({ name: 'gateway', entry, env: process.env, cwd: dir, output, onGiveUp: () => undefined }).start();
  await waitUntil(() => output.lines.includes('gateway | up'), { timeoutMs: 20_000 });
  expect(await service.stop(200)).toEqual({ code: null, signal: 'SIGKILL' });
  expect(output.lines).toContain('agentry | gateway did not stop within 0.2 s; killing it');
});
