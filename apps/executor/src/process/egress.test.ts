// Egress of sandboxed scripts, played against hosts this test creates itself: every address below
// lives in network namespaces of network-namespaces.test-kit.ts (the runner and slirp4netns run
// in its "host" namespace), so not one packet reaches a real network.
//
// Twice: with the runner as root, and as an unprivileged user (an executor a user started with
// `npm start`): the same network, the same rules, the same refusals either way.
import {
  createTestNetwork,
  HOST_ADDRESS,
  HTTP_PORT,
  namespacesUsable,
  PORT,
  RESOLVER_ADDRESS,
  UNPRIVILEGED_RUNNER,
  unprivilegedNamespacesUsable,
  type RunnerIdentity,
  type TestNetwork,
} from './network-namespaces.test-kit.js';

/** Refused by the rules in the sandbox's own kernel at connect()/send() (prohibit), nothing sent: not a missing route, not slirp4netns. */
const REFUSED = ['EACCES'];

/** The script: tries each target (TCP, or UDP with `udp:`), prints one JSON line `{name: result}`. */
const probe = (targets: Record<string, string>) => `
  const net = require('net');
  const dgram = require('dgram');
  const dns = require('dns');
  const tcp = (host, port) => new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5000 });
    let greeting = '';
    socket.on('data', (data) => (greeting += data));
    socket.on('end', () => resolve(greeting ? 'connected: ' + greeting : 'connected'));
    socket.on('timeout', () => { socket.destroy(); resolve('timeout'); });
    socket.on('error', (error) => resolve(error.code));
  });
  const udp = (host, port) => new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.send('datagram to ' + host, port, host, (error) => { socket.close(); resolve(error ? error.code : 'sent'); });
  });
  const lookup = (name) => new Promise((resolve) => dns.lookup(name, { family: 4 }, (error, address) => resolve(error ? error.code : address)));
  (async () => {
    const results = {};
    for (const [name, target] of Object.entries(${JSON.stringify(targets)})) {
      const [kind, host, port] = target.split('|');
      results[name] = kind === 'lookup' ? await lookup(host) : kind === 'udp' ? await udp(host, Number(port)) : await tcp(host, Number(port));
    }
    console.log(JSON.stringify(results));
  })();`;

const tcp = (host: string, port = PORT) => `tcp|${host}|${port}`;
const udp = (host: string, port = PORT) => `udp|${host}|${port}`;

const runners: [name: string, runner: RunnerIdentity, usable: boolean][] = [
  ['run by a root executor', { kind: 'root' }, namespacesUsable],
  [`run by an unprivileged executor (uid ${UNPRIVILEGED_RUNNER})`, { kind: 'unprivileged', uid: UNPRIVILEGED_RUNNER }, unprivilegedNamespacesUsable],
];

for (const [name, runner, usable] of runners)
  (usable ? describe : describe.skip)(`sandbox egress, ${name} (in network namespaces of the test)`, () => {
    let network: TestNetwork;

    beforeAll(async () => {
      network = await createTestNetwork(runner);
    });
    afterAll(() => network?.close());

    test('the public internet is reachable, by address and by name through the DNS forwarder; private, link-local, CGNAT, ULA, host and operator-denied addresses are refused before any packet leaves', async () => {
      const targets = {
        // Denied: each one is a listening address in the world (or host) namespace.
        private10: tcp('10.77.0.1'),
        private172: tcp('172.20.0.1'),
        private192: tcp('192.168.77.1'),
        cgnat: tcp('100.64.0.1'),
        metadata: tcp('169.254.169.254'),
        metadataUdp: udp('169.254.169.254'),
        uniqueLocal: tcp('fd00::1'),
        mappedPrivate: tcp('::ffff:10.77.0.1'),
        hostAddress: tcp(HOST_ADDRESS),
        hostViaGateway: tcp('10.0.2.2'),
        operatorDenied: tcp('203.0.113.99'),
        // slirp4netns' DNS address stands for the host's resolver (198.51.100.2 here): only port 53
        // may pass (EACCES from the rules; without them libslirp answers ENETUNREACH itself).
        resolverOtherPort: tcp('10.0.2.3'),
        // Names resolve (the forwarder works) but lead to denied addresses.
        metadataName: 'lookup|metadata.test',
        metadataByName: tcp('metadata.test'),
        privateByName: tcp('private.test'),
        // Allowed, last: the positive control.
        publicName: 'lookup|public.test',
        publicByName: tcp('public.test'),
        public: tcp('203.0.113.10'),
      };
      const { outcome, output, runnerUid } = await network.run({ script: probe(targets), egressDeny: '203.0.113.99/32, 198.18.0.0/15' });
      expect(runnerUid).toBe(runner.kind === 'root' ? 0 : runner.uid);
      expect({ outcome, output }).toMatchObject({ outcome: { reason: 'exited', exitCode: 0 } });
      const results = JSON.parse(output);
      expect(results).toMatchObject({
        publicName: '203.0.113.10',
        publicByName: 'connected: hello from 203.0.113.10',
        public: 'connected: hello from 203.0.113.10',
        metadataName: '169.254.169.254',
      });
      const denied = Object.keys(targets).filter((name) => !name.startsWith('public') && name !== 'metadataName');
      for (const name of denied) expect({ [name]: REFUSED.includes(results[name]) ? 'refused' : results[name] }).toEqual({ [name]: 'refused' });
      // The listeners saw the two allowed connections (proof they log) and nothing else.
      await until(() => network.world.log.length >= 2);
      expect(network.world.log).toEqual(['tcp 203.0.113.10', 'tcp 203.0.113.10']);
      expect(network.host.log).toEqual([]);
    });

    test('multicast and broadcast reach nobody: refused by the rules, and dropped by slirp4netns when a socket bound to the sandbox address skips them', async () => {
      const script = `
      const dgram = require('dgram');
      const send = (host, bindTo) => new Promise((resolve) => {
        const socket = dgram.createSocket('udp4');
        socket.bind(0, bindTo, () => {
          socket.setBroadcast(true);
          socket.send('datagram to ' + host + (bindTo ? ' from ' + bindTo : ''), ${PORT}, host, (error) => { socket.close(); resolve(error ? error.code : 'sent'); });
        });
      });
      (async () => console.log(JSON.stringify({
        multicast: await send('224.0.0.251'),
        broadcast: await send('255.255.255.255'),
        // With a source address the kernel picks tap0 without a routing decision (no rule applies).
        boundMulticast: await send('224.0.0.251', '10.0.2.100'),
        boundBroadcast: await send('255.255.255.255', '10.0.2.100'),
        // UDP may be lost on a loaded host (slirp4netns drops what it cannot forward at once): five tries, one is enough.
        public: (await Promise.all([1, 2, 3, 4, 5].map(() => send('203.0.113.10'))))[0],
      })))();`;
      const { output } = await network.run({ script });
      expect(JSON.parse(output)).toMatchObject({ multicast: 'EACCES', broadcast: 'EACCES', public: 'sent' });
      // The world's listener is joined to 224.0.0.251 on the veth the host's traffic leaves by: it would log one.
      await until(() => network.world.log.includes('udp datagram to 203.0.113.10'));
      const udp = network.world.log.filter((line) => line.startsWith('udp'));
      expect(new Set(udp)).toEqual(new Set(['udp datagram to 203.0.113.10']));
      expect(network.host.log).toEqual([]);
    });

    test("the script API's downloads go through the same network: a public file by name yes, the metadata service no", async () => {
      const script = `
      const fs = require('fs');
      const buster = require('phantombuster').create();
      const get = (url) => buster.download(url).then((path) => fs.readFileSync(path, 'utf8'), (error) => 'refused: ' + String((error.cause && error.cause.code) || error.code || error.message));
      (async () => console.log(JSON.stringify({
        public: await get('http://public.test:${HTTP_PORT}/remote.txt'),
        metadata: await get('http://169.254.169.254:${HTTP_PORT}/latest/meta-data/'),
      })))();`;
      const { output } = await network.run({ script });
      const results = JSON.parse(output);
      expect(results.public).toBe('remote file at /remote.txt on 203.0.113.10');
      expect(results.metadata).toBe('refused: EACCES');
      await until(() => network.world.log.some((line) => line.startsWith('http')));
      expect(network.world.log.filter((line) => line.startsWith('http'))).toEqual(['http 203.0.113.10 /remote.txt']);
    });

    test('the script cannot lift the rules: no capability in its namespace, no nested user namespace to gain one', async () => {
      const script = `
      const { spawnSync } = require('child_process');
      const net = require('net');
      const run = (command, args) => { const r = spawnSync(command, args, { encoding: 'utf8' }); return r.error ? r.error.code : r.status + ' ' + (r.stderr || '').trim(); };
      const attempts = {
        deleteRule: run('ip', ['rule', 'del', 'pref', '200', 'to', '10.0.0.0/8']),
        flushRules: run('ip', ['rule', 'flush']),
        userNamespace: run('unshare', ['--user', '--map-root-user', '--net', 'ip', 'rule', 'flush']),
        statusCaps: require('fs').readFileSync('/proc/self/status', 'utf8').split('\\n').filter((l) => /^Cap(Eff|Prm|Amb)/.test(l)).join(' '),
      };
      const socket = net.connect({ host: '10.77.0.1', port: ${PORT}, timeout: 5000 });
      const done = (result) => { socket.destroy(); console.log(JSON.stringify({ attempts, private10: result })); };
      socket.on('connect', () => done('connected'));
      socket.on('timeout', () => done('timeout'));
      socket.on('error', (error) => done(error.code));`;
      const { output } = await network.run({ script });
      const { attempts, private10 } = JSON.parse(output);
      expect(attempts.deleteRule).toMatch(/^[1-9]\d* RTNETLINK answers: Operation not permitted/);
      expect(attempts.flushRules).toMatch(/^[1-9]\d* RTNETLINK answers: Operation not permitted/);
      expect(attempts.userNamespace).toMatch(/^1 unshare: .*(Operation not permitted|No space left on device)/);
      expect(attempts.statusCaps).toBe('CapPrm:\t0000000000000000 CapEff:\t0000000000000000 CapAmb:\t0000000000000000');
      expect(private10).toBe('EACCES');
      expect(network.world.log.filter((line) => line.includes('10.77.0.1'))).toEqual([]);
    });

    (runner.kind === 'unprivileged' ? test : test.skip)(
      'an unprivileged executor that cannot open /dev/net/tun gives the sandbox no network at all, never an open one, and says why',
      async () => {
        const script = probe({ public: tcp('203.0.113.10'), private10: tcp('10.77.0.1') });
        const logged = network.world.log.length;
        const { outcome, output, sandboxNetwork } = await network.run({ script, network: 'auto' }, { ...runner, tunUnusable: true } as RunnerIdentity);
        expect(sandboxNetwork).toMatch(/^none \(\/dev\/net\/tun is not read-writable by the executor's user \(uid \d+\): `chmod 0666 \/dev\/net\/tun`/);
        expect(outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
        // Only a loopback in its namespace: no route anywhere.
        expect(JSON.parse(output)).toEqual({ public: 'ENETUNREACH', private10: 'ENETUNREACH' });
        // Asked for explicitly, the network is refused rather than given unpoliced.
        const internet = await network.run({ script, network: 'internet' }, { ...runner, tunUnusable: true } as RunnerIdentity);
        expect(internet.outcome).toMatchObject({
          reason: 'spawn-failed',
          error: expect.stringContaining('a sandbox cannot have network here: /dev/net/tun is not read-writable'),
        });
        expect(internet.output).toBe('');
        expect(network.world.log.slice(logged)).toEqual([]);
      },
    );

    test('rules that cannot be applied fail the run: the script never starts on an open network', async () => {
      // A range the config would have refused reaches `ip`, which refuses it.
      const { outcome, output } = await network.run({
        script: `console.log('the script ran')`,
        rawEgressDenied: [{ family: 4, address: 'not-an-address', prefix: 8 }],
      });
      expect(outcome).toMatchObject({ reason: 'spawn-failed', error: expect.stringMatching(/egress rules could not be applied/) });
      expect(output).toBe('');
    });

    test("the rules never go into the runner's own network namespace (a dead sandbox's pid reused by a host process)", async () => {
      // In the test's "host" namespace: were the guard missing, only that namespace would get the rules.
      expect(await network.runChild({ attachToSelf: true })).toEqual({
        error: "the sandbox has no network namespace of its own: the executor's would get the rules",
        rulesUnchanged: true,
      });
    });

    test('the resolver keeps answering on port 53 while its other ports are refused', async () => {
      const { output } = await network.run({ script: probe({ dnsUdp: udp('10.0.2.3', 53), otherPort: tcp('10.0.2.3'), name: 'lookup|public.test' }) });
      expect(JSON.parse(output)).toEqual({ dnsUdp: 'sent', otherPort: 'EACCES', name: '203.0.113.10' });
      expect(network.world.log.filter((line) => line.includes(RESOLVER_ADDRESS))).toEqual([]);
    });
  });

/** Waits (bounded) for a line the listener logs on its own pipe, which may trail the script's answer. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}
