import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bootstrap = fileURLToPath(new URL('../script/bootstrap.cjs', import.meta.url));

function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('bootstrap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-bootstrap-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The runner holds its end of the channel for the whole run: losing it means the executor died.
  test('when the channel closes, the run takes its whole process group down', async () => {
    const marker = `agentry-orphan-${randomUUID()}`;
    const script = join(dir, 'orphan.js');
    writeFileSync(script, `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}'], { stdio: 'ignore' }); console.log('ready'); setInterval(() => {}, 1000);`);
    const child = spawn(process.execPath, [bootstrap, script], { stdio: ['ignore', 'pipe', 'inherit', 'pipe'], detached: true });
    const channel = child.stdio[3] as Socket;
    const config = { argument: {}, agentId: 1, containerId: 1, orgId: 1, retryNumber: 0, storageDir: dir, proxyAddress: '', apiKey: null, deadline: null };
    channel.write(JSON.stringify({ t: 'init', config }) + '\n');
    const [ready] = await once(child.stdout!, 'data');
    expect(String(ready)).toBe('ready\n');
    while (processesWith(marker).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    const exited = once(child, 'exit');
    channel.destroy();
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    while (processesWith(marker).length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
