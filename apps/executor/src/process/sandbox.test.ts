import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { bubblewrapUsable, runnerModes, runScript, scratch, useRunner, type TestIsolation } from './run-script.test-kit.js';

const slirpInstalled = findExecutable('slirp4netns') !== null;

/** A host address other than loopback (the sandbox's NAT reaches it like any outside host), if any. */
const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

/** Prints one JSON line: what the script could read, which pids it sees, which hosts answer on `port`. */
const probeScript = (paths: Record<string, string>, port: number, hosts: Record<string, string>) => `
  const fs = require('fs');
  const net = require('net');
  const tryRead = (path) => { try { fs.readFileSync(path); return 'read'; } catch (error) { return error.code; } };
  const reads = Object.fromEntries(Object.entries(${JSON.stringify(paths)}).map(([name, path]) => [name, tryRead(path)]));
  const pids = fs.readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry)).map(Number);
  const connect = (host) => new Promise((resolve) => {
    const socket = net.connect({ port: ${port}, host, timeout: 3000 });
    const done = (result) => { socket.destroy(); resolve(result); };
    socket.on('connect', () => done('connected'));
    socket.on('timeout', () => done('timeout'));
    socket.on('error', (error) => done(error.code));
  });
  (async () => {
    const reach = {};
    for (const [name, host] of Object.entries(${JSON.stringify(hosts)})) reach[name] = await connect(host);
    console.log(JSON.stringify({ reads, pids, reach, resolv: tryRead('/etc/resolv.conf') === 'read' ? fs.readFileSync('/etc/resolv.conf', 'utf8') : null }));
  })();`;

// Cold (spawned for the run) and warm (a runner spawned before its run was known, warm-pool.ts): the same world.
describe.each(runnerModes)('what a script can see (%s runner)', (runner) => {
  useRunner(runner);
  let server: Server;
  let port: number;
  const folders = scratch();
  const secretFile = join(folders.root, 'platform-secret.txt');

  beforeAll(async () => {
    writeFileSync(secretFile, 'not for scripts');
    server = createServer((socket) => socket.end());
    server.listen(0, '0.0.0.0');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    process.env.DATABASE_URL = 'postgres://platform:secret@127.0.0.1:5432/agentry';
    process.env.NATS_URL = 'nats://127.0.0.1:4222';
    process.env.AGENTRY_SECRET_KEY = 'c2VjcmV0';
  });
  afterAll(() => {
    server.close();
    folders.cleanup();
    delete process.env.DATABASE_URL;
    delete process.env.NATS_URL;
    delete process.env.AGENTRY_SECRET_KEY;
  });

  test.each((bubblewrapUsable ? ['none', 'bubblewrap'] : ['none']) as TestIsolation[])(
    "(%s) the environment holds only the run's variables, none of the executor's",
    async (isolation) => {
      const script = `console.log(JSON.stringify({ env: process.env, initial: require('fs').readFileSync('/proc/self/environ', 'utf8') }))`;
      // A run setting LANG (read when node starts) never gets a warm runner (warm-pool.test.ts): warm ones keep C.UTF-8.
      const lang = runner === 'warm' ? 'C.UTF-8' : 'fr_FR.UTF-8';
      const result = await runScript(isolation, script, { env: { API_TOKEN: 'agent-credential', ...(runner === 'warm' ? {} : { LANG: lang }) } });
      const { env, initial } = JSON.parse(result.output.toString());
      expect(Object.keys(env).sort()).toEqual(['API_TOKEN', 'HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR']);
      expect(env).toMatchObject({ API_TOKEN: 'agent-credential', LANG: lang, PATH: '/usr/local/bin:/usr/bin:/bin', PWD: env.HOME });
      for (const leaked of ['DATABASE_URL', 'NATS_URL', 'AGENTRY_', 'secret', 'JEST']) expect(initial).not.toContain(leaked);
      // A warm runner was spawned before its run: the run's credentials reach its process.env, never its /proc environ.
      if (runner === 'warm') expect(initial).not.toContain('agent-credential');
    },
  );

  test('(none) without a sandbox the script reaches the host: what bubblewrap takes away', async () => {
    const result = await runScript('none', probeScript({ repo: join(process.cwd(), 'package.json'), secret: secretFile }, port, { loopback: '127.0.0.1' }));
    const probe = JSON.parse(result.output.toString());
    expect(probe).toMatchObject({ reads: { repo: 'read', secret: 'read' }, reach: { loopback: 'connected' } });
    expect(probe.pids).toContain(process.pid);
  });

  (bubblewrapUsable ? test.each : test.skip.each)(['none', 'auto'] as const)(
    '(bubblewrap, network %s) no host files, no host processes, no loopback services',
    async (network) => {
      const paths = { repo: join(process.cwd(), 'package.json'), secret: secretFile, shadow: '/etc/shadow', hostProc: `/proc/${process.pid}/environ` };
      // 10.0.2.2 is the host as slirp4netns' gateway: with --disable-host-loopback it leads nowhere.
      const result = await runScript('bubblewrap', probeScript(paths, port, { loopback: '127.0.0.1', gateway: '10.0.2.2' }), { network });
      const probe = JSON.parse(result.output.toString());
      expect(probe.reads).toEqual({ repo: 'ENOENT', secret: 'ENOENT', shadow: 'ENOENT', hostProc: 'ENOENT' });
      expect(probe.reach.loopback).not.toBe('connected');
      expect(probe.reach.gateway).not.toBe('connected');
      // Only the sandbox's own processes: its init, the script (and whatever the script starts).
      expect(probe.pids.length).toBeLessThanOrEqual(3);
    },
  );

  // What a sandbox does reach (the public internet, by name through the forwarder) is shown in
  // egress.test.ts, against addresses of its own network namespaces.
  (bubblewrapUsable && slirpInstalled && hostAddress ? test : test.skip)(
    "(bubblewrap, network internet) the host's own addresses are refused by the egress rules, DNS through slirp4netns",
    async () => {
      const result = await runScript('bubblewrap', probeScript({}, port, { outside: hostAddress! }), { network: 'internet' });
      const probe = JSON.parse(result.output.toString());
      expect(probe.reach).toEqual({ outside: 'EACCES' });
      expect(probe.resolv).toBe('nameserver 10.0.2.3\n');
    },
  );

  (bubblewrapUsable && hostAddress ? test : test.skip)('(bubblewrap, network none) the script reaches nothing', async () => {
    const result = await runScript('bubblewrap', probeScript({}, port, { outside: hostAddress! }), { network: 'none' });
    expect(JSON.parse(result.output.toString()).reach.outside).not.toBe('connected');
  });

  (bubblewrapUsable ? test : test.skip)('(bubblewrap) the system is read-only; the run folder, /tmp and storage are writable', async () => {
    const script = `
      const fs = require('fs');
      const tryWrite = (path) => { try { fs.writeFileSync(path, 'x'); return 'written'; } catch (error) { return error.code; } };
      console.log(JSON.stringify(Object.fromEntries(['/usr/evil', '/etc/evil', '/opt/agentry/runtime/evil.cjs', '/work/ok', '/tmp/ok', '/storage/ok'].map((p) => [p, tryWrite(p)]))));`;
    const result = await runScript('bubblewrap', script);
    expect(JSON.parse(result.output.toString())).toEqual({
      '/usr/evil': 'EROFS',
      '/etc/evil': 'EROFS',
      '/opt/agentry/runtime/evil.cjs': 'EROFS',
      '/work/ok': 'written',
      '/tmp/ok': 'written',
      '/storage/ok': 'written',
    });
  });
});
