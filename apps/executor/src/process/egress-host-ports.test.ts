// AGENTRY_EGRESS_HOST_PORTS: a sandboxed script reaches exactly the host loopback ports the operator
// opened, at slirp's gateway 10.0.2.2 — no other port of the host, and nothing without the setting.
// Everything here is on this host's loopback.
import { createServer, type Server } from 'node:net';
import { findExecutable } from './executables.js';
import { runScript } from './run-script.test-kit.js';
import { runUserFor } from './run-user.js';
import { sandboxNetwork } from './sandbox-network.js';

const policedNetwork = findExecutable('bwrap') !== null && (await sandboxNetwork('auto', runUserFor())) === 'internet';

function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end('hello from the host\n'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

const tryAll = (targets: [string, number][]) => `
  const net = require('net');
  const reach = (host, port) => new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5000 });
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data.trim()));
    socket.on('timeout', () => { socket.destroy(); resolve('timeout'); });
    socket.on('error', (error) => resolve(error.code));
  });
  (async () => {
    const results = {};
    for (const [host, port] of ${JSON.stringify(targets)}) results[host + ':' + port] = await reach(host, port);
    console.log(JSON.stringify(results));
  })();`;

(policedNetwork ? describe : describe.skip)('host ports opened to sandboxes', () => {
  let opened: { server: Server; port: number };
  let closed: { server: Server; port: number };
  beforeAll(async () => {
    opened = await listen();
    closed = await listen();
  });
  afterAll(() => {
    opened?.server.close();
    closed?.server.close();
  });

  test('the opened port is reached at 10.0.2.2; another listening port of the host is refused in the sandbox (EACCES); 127.0.0.1 stays the sandbox own', async () => {
    const targets: [string, number][] = [
      ['10.0.2.2', opened.port],
      ['10.0.2.2', closed.port],
      ['127.0.0.1', opened.port],
    ];
    const result = await runScript('bubblewrap', tryAll(targets), { network: 'internet', egressHostPorts: [opened.port] });
    expect(JSON.parse(result.output.toString())).toEqual({
      [`10.0.2.2:${opened.port}`]: 'hello from the host',
      [`10.0.2.2:${closed.port}`]: 'EACCES',
      [`127.0.0.1:${opened.port}`]: 'ECONNREFUSED',
    });
  });

  test('control: without the setting the same port is refused like any other address of the host', async () => {
    const result = await runScript('bubblewrap', tryAll([['10.0.2.2', opened.port]]), { network: 'internet' });
    expect(JSON.parse(result.output.toString())).toEqual({ [`10.0.2.2:${opened.port}`]: 'EACCES' });
  });
});
