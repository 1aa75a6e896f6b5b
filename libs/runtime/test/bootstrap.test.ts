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

const configFor = (storageDir: string) => ({
  argument: {},
  agentId: 1,
  containerId: 1,
  orgId: 1,
  retryNumber: 0,
  storageDir,
  proxyAddress: '',
  apiKey: null,
  deadline: null,
});

describe('bootstrap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-bootstrap-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Node marks its own descriptors and the low inherited ones close-on-exec itself; a higher
  // inherited one keeps no flag and would otherwise stay open in the script and its children.
  test('descriptors leaked by the parent (no close-on-exec) are closed before the script runs', async () => {
    const script = join(dir, 'fds.js');
    writeFileSync(
      script,
      `
      const fs = require('fs');
      const inherited = fs.readdirSync('/proc/self/fd').map(Number).filter((fd) => {
        try { return (parseInt(/^flags:\\s*([0-7]+)/m.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8'))[1], 8) & 0o2000000) === 0; } catch { return false; }
      });
      console.log(JSON.stringify(inherited.sort((a, b) => a - b)));`,
    );
    // fd 60 stands for whatever the executor inherited without close-on-exec.
    const leaked = Array.from({ length: 57 }, (_, i) => (i === 56 ? 'pipe' : 'ignore'));
    const child = spawn(process.execPath, [bootstrap, script], { stdio: ['ignore', 'pipe', 'inherit', 'pipe', ...leaked] as never });
    (child.stdio[3] as Socket).write(JSON.stringify({ t: 'init', config: configFor(dir) }) + '\n');
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    await once(child, 'exit');
    expect(JSON.parse(output)).toEqual([]);
  });

  // The proxy agents need http, https and tls: ~60 built-in modules every run's node would compile
  // (docs/PERFORMANCE.md, Warm runners). Loaded for a run with a proxy only, and then before the script.
  test.each([
    ['with an http proxy the default agents send through it', 'http://127.0.0.1:3128', { agents: ['HttpProxyAgent', 'HttpsProxyAgent'] }],
    ['without a proxy neither http, https nor tls is loaded before the script', '', { loaded: [] }],
  ])('%s', async (_name, proxyAddress, expected) => {
    const script = join(dir, `proxy-${proxyAddress ? 'on' : 'off'}.js`);
    writeFileSync(
      script,
      `
      const loaded = process.moduleLoadList.filter((m) => /^NativeModule (http|https|tls)$/.test(m));
      const agents = loaded.length ? [require('http').globalAgent.constructor.name, require('https').globalAgent.constructor.name] : null;
      console.log(JSON.stringify(${JSON.stringify(proxyAddress)} ? { agents } : { loaded }));`,
    );
    const child = spawn(process.execPath, [bootstrap, script], { stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
    (child.stdio[3] as Socket).write(JSON.stringify({ t: 'init', config: { ...configFor(dir), proxyAddress } }) + '\n');
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    await once(child, 'exit');
    expect(JSON.parse(output)).toEqual(expected);
  });

  // The runner holds its end of the channel for the whole run: losing it means the executor died.
  test('when the channel closes, the run takes its whole process group down', async () => {
    const marker = `agentry-orphan-${randomUUID()}`;
    const script = join(dir, 'orphan.js');
    writeFileSync(
      script,
      `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}'], { stdio: 'ignore' }); console.log('ready'); setInterval(() => {}, 1000);`,
    );
    const child = spawn(process.execPath, [bootstrap, script], { stdio: ['ignore', 'pipe', 'inherit', 'pipe'], detached: true });
    const channel = child.stdio[3] as Socket;
    channel.write(JSON.stringify({ t: 'init', config: configFor(dir) }) + '\n');
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
