// The platform's own servers on this host — the test kit's real Postgres and a real NATS — as a
// sandboxed script with network would try them: by loopback (the sandbox's own), by slirp's
// gateway 10.0.2.2 (the host) and by every address of the host. Every try is refused inside the
// sandbox (or lands on its own empty loopback): nothing leaves it.
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startTestNats, testPostgresUrl, type TestNats } from '@agentry/testing';
import { findExecutable } from './executables.js';
import { runScript } from './run-script.test-kit.js';
import { runUserFor } from './run-user.js';
import { sandboxNetwork } from './sandbox-network.js';

const policedNetwork = findExecutable('bwrap') !== null && (await sandboxNetwork('auto', runUserFor())) === 'internet';

/** What a plain client on the host gets: the control showing each server listens. */
function reachFromHost(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.on('connect', () => done('connected'));
    socket.on('timeout', () => done('timeout'));
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
}

(policedNetwork ? describe : describe.skip)("the platform's servers on this host, from a sandbox with network", () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await startTestNats({ auth: true });
  });
  afterAll(() => nats?.stop());

  test('Postgres and NATS answer the host, and are refused to the script by loopback, gateway and every host address', async () => {
    const servers = { postgres: Number(new URL(testPostgresUrl()).port), nats: Number(new URL(nats.url).port) };
    for (const port of Object.values(servers)) expect(await reachFromHost('127.0.0.1', port)).toBe('connected');
    const hosts = [
      ...new Set([
        '127.0.0.1',
        '10.0.2.2',
        ...Object.values(networkInterfaces())
          .flat()
          .map((entry) => entry!.address.split('%')[0]!),
      ]),
    ];
    const script = `
      const net = require('net');
      const tryConnect = (host, port) => new Promise((resolve) => {
        const socket = net.connect({ host, port, timeout: 5000 });
        const done = (result) => { socket.destroy(); resolve(result); };
        socket.on('connect', () => done('connected'));
        socket.on('timeout', () => done('timeout'));
        socket.on('error', (error) => done(error.code));
      });
      (async () => {
        const results = {};
        for (const [name, port] of Object.entries(${JSON.stringify(servers)}))
          for (const host of ${JSON.stringify(hosts)}) results[name + ' ' + host] = await tryConnect(host, port);
        console.log(JSON.stringify(results));
      })();`;
    const result = await runScript('bubblewrap', script, { network: 'internet' });
    const reached = JSON.parse(result.output.toString()) as Record<string, string>;
    for (const [target, outcome] of Object.entries(reached)) {
      // 127.0.0.1 and ::1 are the sandbox's own loopback, where nothing listens; a link-local IPv6
      // address without its interface is refused by the kernel before routing; the rest is prohibited.
      const expected = /^\S+ (127\.0\.0\.1|::1)$/.test(target) ? 'ECONNREFUSED' : /^\S+ fe80:/i.test(target) ? 'EINVAL' : 'EACCES';
      expect({ target, outcome }).toEqual({ target, outcome: expected });
    }
    expect(Object.keys(reached)).toHaveLength(2 * hosts.length);
  });
});
