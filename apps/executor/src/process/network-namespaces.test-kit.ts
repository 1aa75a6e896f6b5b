// A private little internet for the egress tests, made of network namespaces this test creates
// and deletes: no packet of these tests ever leaves them.
//
//   "host" namespace (where the runner and slirp4netns run)      "world" namespace
//   lo 127.0.0.1, veth 198.51.100.1/24  ── default route ──▶  veth 198.51.100.2/24 (+ DNS on :53)
//                                                           lo:     203.0.113.10 and .99 (the public internet),
//                                                                   10.77.0.1, 172.20.0.1, 192.168.77.1,
//                                                                   100.64.0.1, 169.254.169.254, fd00::1
//
// A TCP/UDP listener in each namespace logs every connection or datagram it gets, so a test can
// assert that a refused destination saw nothing at all.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findExecutable } from './executables.js';

export const HOST_ADDRESS = '198.51.100.1';
export const RESOLVER_ADDRESS = '198.51.100.2';
export const WORLD_ADDRESSES = ['203.0.113.10', '203.0.113.99', '10.77.0.1', '172.20.0.1', '192.168.77.1', '100.64.0.1', '169.254.169.254', 'fd00::1'];
/** What the world's DNS server answers (A records). */
export const WORLD_NAMES: Record<string, string> = { 'public.test': '203.0.113.10', 'metadata.test': '169.254.169.254', 'private.test': '10.77.0.1' };
export const PORT = 8089;
/** An HTTP server on every world address: `remote file at <path> on <address>`. */
export const HTTP_PORT = 8090;

/** Root, and the tools the runner and this kit need. */
export const namespacesUsable = process.getuid?.() === 0 && ['ip', 'nsenter', 'slirp4netns', 'bwrap'].every((tool) => findExecutable(tool) !== null);

export interface Listener {
  /** What it got so far: `tcp <local address>` or `udp <local port>`, in arrival order. */
  log: string[];
  process: ChildProcess;
}

export interface TestNetwork {
  host: Listener;
  world: Listener;
  /** Runs a script through startRun inside the host namespace (see egress-run.test-kit.ts). */
  /** `runner` instead of the network's own (e.g. the same user without a usable /dev/net/tun). */
  run(
    options: { script: string; proxyAddress?: string; egressDeny?: string; rawEgressDenied?: object[]; network?: 'auto' | 'internet' | 'none' },
    runner?: RunnerIdentity,
  ): Promise<{ outcome: { reason: string; exitCode: number | null; error?: string }; output: string; runnerUid: number; sandboxNetwork: string }>;
  /** Runs the child kit with other options (egress-run.test-kit.ts), answering its JSON line. */
  runChild(options: object): Promise<unknown>;
  close(): void;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * How the runner (the executor's side) runs in the host namespace: as root, like the tests, or as
 * an unprivileged user — the executor started by a user who is not root.
 */
export type RunnerIdentity =
  | { kind: 'root' }
  | { kind: 'unprivileged'; uid: number; /** /dev/net/tun as this host has it (0600), not as Debian's udev makes it. */ tunUnusable?: boolean };

/** An unprivileged user who may make user namespaces here (bwrap and the network holder need them). */
export const UNPRIVILEGED_RUNNER = 65534;
export const unprivilegedNamespacesUsable =
  namespacesUsable &&
  spawnSync('setpriv', [
    '--reuid',
    `${UNPRIVILEGED_RUNNER}`,
    '--regid',
    `${UNPRIVILEGED_RUNNER}`,
    '--clear-groups',
    'unshare',
    '--user',
    '--map-root-user',
    '--net',
    'true',
  ]).status === 0;

export async function createTestNetwork(runner: RunnerIdentity = { kind: 'root' }): Promise<TestNetwork> {
  const id = `${process.pid % 100_000}`;
  const host = `agentry-egress-${id}-host`;
  const world = `agentry-egress-${id}-world`;
  const listeners: Listener[] = [];
  const close = () => {
    for (const listener of listeners) listener.process.kill('SIGKILL');
    for (const ns of [host, world]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not created
      }
    }
    rmSync(`/etc/netns/${host}`, { recursive: true, force: true });
  };
  // Left behind by a killed run of a process that had this pid.
  close();
  try {
    for (const ns of [host, world]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('link', 'add', `eg${id}h`, 'netns', host, 'type', 'veth', 'peer', 'name', `eg${id}w`, 'netns', world);
    ip('-n', host, 'addr', 'add', `${HOST_ADDRESS}/24`, 'dev', `eg${id}h`);
    ip('-n', host, 'link', 'set', `eg${id}h`, 'up');
    ip('-n', host, 'route', 'add', 'default', 'via', RESOLVER_ADDRESS);
    ip('-n', world, 'addr', 'add', `${RESOLVER_ADDRESS}/24`, 'dev', `eg${id}w`);
    ip('-n', world, 'link', 'set', `eg${id}w`, 'up');
    // On the world's loopback (kernels without the dummy module have it too): local addresses
    // of the world, answered when a packet for them arrives over the veth.
    for (const address of WORLD_ADDRESSES) ip('-n', world, 'addr', 'add', address.includes(':') ? `${address}/128` : `${address}/32`, 'dev', 'lo');
    // `ip netns exec` binds this over /etc/resolv.conf: slirp4netns forwards the sandbox's DNS there.
    mkdirSync(`/etc/netns/${host}`, { recursive: true });
    writeFileSync(`/etc/netns/${host}/resolv.conf`, `nameserver ${RESOLVER_ADDRESS}\n`);
    listeners.push(await listen(host, false), await listen(world, true));
  } catch (error) {
    close();
    throw error;
  }
  return {
    host: listeners[0]!,
    world: listeners[1]!,
    run: (options, other) => runInNamespace(host, other ?? runner, options),
    runChild: (options) => runInNamespace(host, runner, options),
    close,
  };
}

/**
 * An unprivileged runner starts through a shell, in the mount namespace `ip netns exec` makes for
 * it (a slave of the host's: nothing here reaches the host's mounts): /dev/net/tun is 0600 on
 * this machine (no udev), where Debian's udev makes it 0666 — so a tmpfs over /dev/net there
 * holds a 0666 one (slirp4netns runs as the executor). Then it drops to the user for good.
 */
const unprivilegedStart = (uid: number, tunMode: string) =>
  `mount -t tmpfs -o mode=0755 agentry-test-tun /dev/net && mknod -m ${tunMode} /dev/net/tun c 10 200 && exec setpriv --reuid ${uid} --regid ${uid} --clear-groups --inh-caps=-all -- "$@"`;

async function runInNamespace(ns: string, runner: RunnerIdentity, options: object): Promise<any> {
  const runnerCommand = [process.execPath, '--import', here('./ts-source-loader.test-kit.mjs'), here('./egress-run.test-kit.ts'), JSON.stringify(options)];
  const command =
    runner.kind === 'root'
      ? runnerCommand
      : ['/bin/sh', '-c', unprivilegedStart(runner.uid, runner.tunUnusable ? '0600' : '0666'), 'agentry-test-runner', ...runnerCommand];
  const child = spawn('ip', ['netns', 'exec', ns, ...command], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the runner in ${ns} failed (${code}):\n${stderr}`);
  return JSON.parse(stdout);
}

/** A listener on PORT (TCP on every address, HTTP on HTTP_PORT, UDP too, joined to 224.0.0.251 on the veth) and, in the world, a DNS server for WORLD_NAMES. */
async function listen(ns: string, dns: boolean): Promise<Listener> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '-e', LISTENER, String(PORT), dns ? JSON.stringify(WORLD_NAMES) : '{}', dns ? RESOLVER_ADDRESS : HOST_ADDRESS],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const listener: Listener = { log: [], process: child };
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the listener in ${ns} did not start`)), 10_000);
    child.once('exit', (code) => reject(new Error(`the listener in ${ns} exited (${code})`)));
    lines.on('line', (line) => {
      if (line !== 'ready') return listener.log.push(line);
      clearTimeout(timer);
      resolve();
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return listener;
}

const LISTENER = `
const net = require('net');
const dgram = require('dgram');
const port = Number(process.argv[1]);
const names = JSON.parse(process.argv[2]);
const plain = (address) => address.replace(/^::ffff:/, '');
const tcp = net.createServer((socket) => {
  console.log('tcp ' + plain(socket.localAddress));
  socket.end('hello from ' + plain(socket.localAddress));
});
const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
udp.on('message', (message) => console.log('udp ' + message.toString().slice(0, 100)));
const web = require('http').createServer((request, response) => {
  console.log('http ' + plain(request.socket.localAddress) + ' ' + request.url);
  response.end('remote file at ' + request.url + ' on ' + plain(request.socket.localAddress));
});
// Joined to a multicast group too: a datagram a sandbox multicasts would show here.
const ready = [new Promise((r) => tcp.listen({ port, host: '::', ipv6Only: false }, r)), new Promise((r) => web.listen({ port: port + 1, host: '::', ipv6Only: false }, r)), new Promise((r) => udp.bind(port, () => { udp.addMembership('224.0.0.251', process.argv[3]); r(); }))];
if (Object.keys(names).length) {
  const server = dgram.createSocket('udp4');
  server.on('message', (query, from) => {
    try { answer(query, from); } catch { /* not a DNS query: the tests send some on purpose */ }
  });
  const answer = (query, from) => {
    let i = 12;
    const labels = [];
    while (query[i]) { labels.push(query.subarray(i + 1, i + 1 + query[i]).toString()); i += query[i] + 1; }
    const type = query.readUInt16BE(i + 1);
    const question = query.subarray(12, i + 5);
    const address = names[labels.join('.').toLowerCase()];
    const answer = address && type === 1 ? Buffer.concat([Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from(address.split('.').map(Number))]) : Buffer.alloc(0);
    const header = Buffer.from([query[0], query[1], 0x84 | (query[2] & 1), address ? 0x80 : 0x83, 0, 1, 0, answer.length ? 1 : 0, 0, 0, 0, 0]);
    server.send(Buffer.concat([header, question, answer]), from.port, from.address);
  };
  ready.push(new Promise((r) => server.bind(53, r)));
}
Promise.all(ready).then(() => console.log('ready'));
`;
