import { connect, type Socket } from 'node:net';
import { startTestNats, type TestNats } from '@agentry/testing';
import { startGateway, type RunningGateway } from '../gateway-app.js';
import type { EdgeConfig } from '../config.js';

/**
 * Slowloris: a client that opens a connection and trickles its request a byte at a time holds a
 * socket (and memory) for as long as it likes, unless the gateway cuts it. Real sockets, real
 * trickles. Each test trickles far longer than the deadline and checks the gateway hung up before
 * the trickle ended; a gateway with long deadlines (the control) does not, so the test can fail.
 */

let nats: TestNats;
let strict: RunningGateway;
let lenient: RunningGateway;

const start = (edge: Partial<EdgeConfig>) => startGateway({ natsUrl: nats.url, port: 0, host: '127.0.0.1', logLevel: 'error', edge });

beforeAll(async () => {
  nats = await startTestNats();
  strict = await start({ headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 500 });
  lenient = await start({ headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000 });
});
afterAll(async () => {
  await strict?.close();
  await lenient?.close();
  await nats?.stop();
});

interface Trickle {
  /** Pieces written before the server hung up (or all of them). */
  written: number;
  closedByServer: boolean;
  answer: string;
}

/** Writes `head` at once, then one piece every `everyMs` until `pieces` are sent or the server hangs up. */
async function trickle(gateway: RunningGateway, head: string, piece: string, pieces: number, everyMs = 200): Promise<Trickle> {
  const socket: Socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
  let answer = '';
  let closed = false;
  socket.on('data', (chunk) => (answer += chunk.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(head);
  let written = 0;
  while (written < pieces && !closed) {
    await new Promise((r) => setTimeout(r, everyMs));
    if (closed) break;
    socket.write(piece);
    written++;
  }
  const closedByServer = closed;
  socket.destroy();
  return { written, closedByServer, answer };
}

const HEADERS_HEAD = 'GET /livez HTTP/1.1\r\nHost: localhost\r\n';
const BODY_HEAD = 'POST /api/v2/agents/save HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n';

test('headers trickled one line at a time are cut (HEADERS_TIMEOUT_MS)', async () => {
  const result = await trickle(strict, HEADERS_HEAD, 'X-Slow: 1\r\n', 60);
  expect(result.closedByServer).toBe(true);
  expect(result.written).toBeLessThan(60);
});

test('a body trickled one byte at a time is cut (REQUEST_TIMEOUT_MS), with 408', async () => {
  const result = await trickle(strict, BODY_HEAD, 'a', 60);
  expect(result.closedByServer).toBe(true);
  expect(result.written).toBeLessThan(60);
  expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
});

test('an idle keep-alive connection is closed (KEEP_ALIVE_TIMEOUT_MS); the request on it was answered', async () => {
  const result = await trickle(strict, 'GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n', '', 60);
  expect(result.answer).toMatch(/^HTTP\/1\.1 200 /);
  expect(result.closedByServer).toBe(true);
  expect(result.written).toBeLessThan(60);
});

test('control: with long deadlines the same trickle is still connected when it ends', async () => {
  const result = await trickle(lenient, HEADERS_HEAD, 'X-Slow: 1\r\n', 15);
  expect(result).toEqual({ written: 15, closedByServer: false, answer: '' });
});

test('a prompt client is unaffected', async () => {
  const res = await fetch(`${strict.url}/livez`);
  expect(res.status).toBe(200);
});
