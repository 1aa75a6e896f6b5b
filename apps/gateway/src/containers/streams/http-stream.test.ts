import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { HttpStream } from './http-stream.js';

/**
 * A streaming response against a real loopback socket whose client never reads: the gateway's
 * writes stop being accepted, and after `stalledMs` the connection is cut, so a non-reading client
 * holds a bounded amount of memory for a bounded time. The control client reads and gets every byte.
 */
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const TOTAL = 16 * 1024 * 1024;
// Long enough that a READING client never leaves one write undrained this long on a loaded CI machine (the
// client shares this process's event loop): at 300 ms the control was cut in 1 of 8 runs under load.
const STALLED_MS = 2000;

let server: Server;
let streamed: Promise<{ accepted: number; cut: boolean }>;

beforeEach(async () => {
  let handled!: (value: { accepted: number; cut: boolean }) => void;
  streamed = new Promise((resolve) => (handled = resolve));
  server = createServer((_request, response) => {
    // The one part of a Fastify reply HttpStream uses: hijack() and the raw response.
    const stream = HttpStream.take({ hijack: () => undefined, raw: response } as unknown as FastifyReply, STALLED_MS);
    stream.start(200, 'text/plain');
    void (async () => {
      let accepted = 0;
      while (accepted < TOTAL && !stream.signal.aborted) {
        await stream.write(CHUNK);
        accepted += CHUNK.length;
      }
      stream.end();
      handled({ accepted, cut: stream.signal.aborted });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function request(): Socket {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  return socket;
}

test('a client that stops reading is cut off after stalledMs, having cost at most the socket buffers and one write', async () => {
  const socket = request();
  socket.pause(); // never reads: the kernel's buffers fill, then node's, then write() waits
  const { accepted, cut } = await streamed;
  expect(cut).toBe(true);
  expect(accepted).toBeLessThan(TOTAL);
  // Reading now, the client finds the connection ended by the server before the stream finished.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.resume();
  await closed;
});

test('control: a client that reads gets the whole stream and is never cut', async () => {
  const socket = request();
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()));
  const { accepted, cut } = await streamed;
  expect(cut).toBe(false);
  expect(accepted).toBe(TOTAL);
  await ended;
  expect(received).toBeGreaterThan(TOTAL);
  socket.destroy();
});
