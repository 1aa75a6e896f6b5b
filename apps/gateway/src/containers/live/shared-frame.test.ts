import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import type { ContainerOutputResult, FetchContainerResult } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { writeEventStream } from '../streams/event-stream.writer.js';
import { HttpStream } from '../streams/http-stream.js';
import { writeRaw } from '../streams/raw.writer.js';
import { SSE_OUTPUT_FRAMES } from '../streams/sse-format.js';
import { ContainerFeed, type FeedSource } from './container-feed.js';
import { SharedFrame, type DirectSink, type FrameFormat } from './shared-frame.js';

/**
 * Live output written by the hub straight to every follower in step (one frame per message, shared),
 * against real loopback sockets and the real writers: each client still gets exactly its bytes, a client
 * that stops reading falls back to its feed (bounded, cut after the stall time) and holds nobody back, and
 * the control — direct writes refused — gives byte for byte the same streams through the feeds.
 */

/** The output service in memory: everything "persisted" is readable at once; complete once ended. */
class Storage implements FeedSource {
  private readonly chunks: Buffer[] = [];
  length = 0;
  ended = false;

  persist(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  get stored(): Buffer {
    if (this.chunks.length > 1) this.chunks.splice(0, this.chunks.length, Buffer.concat(this.chunks));
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  async readStored(from: number): Promise<ContainerOutputResult | null> {
    const output = this.stored.subarray(from).toString('utf8');
    return { containerId: 7, output, outputPos: this.length, status: 'running', complete: this.ended } as ContainerOutputResult;
  }

  async fetch(): Promise<FetchContainerResult | null> {
    return { id: 7, status: this.ended ? 'ended' : 'running', resultObject: null, exitCode: this.ended ? 0 : null } as FetchContainerResult;
  }
}

// Long enough that a READING client of this process's own event loop is never cut on a loaded CI machine
// (see ../streams/http-stream.test.ts).
const STALLED_MS = 2000;
const READERS_PER_FORMAT = 2;
const KEEPALIVE = ': container 7 still running\n\n';
type Format = 'event-stream' | 'raw';

/** A gateway's worth of followers of one container: a real HTTP server whose every request is one follower. */
class Followers {
  readonly storage = new Storage();
  readonly feeds = new Set<ContainerFeed>();
  /** Frames each follower's hub wrote directly, and whether the hub may (the control refuses). */
  direct = 0;
  constructor(private readonly allowDirect: boolean) {}
  server!: Server;
  readonly streams: HttpStream[] = [];
  stalledStream: HttpStream | undefined;

  async listen(): Promise<void> {
    this.server = createServer((request, response) => {
      const stream = HttpStream.take({ hijack: () => undefined, raw: response } as unknown as FastifyReply, STALLED_MS);
      this.streams.push(stream);
      if (request.url === '/raw?stalled') this.stalledStream = stream;
      const feed = new ContainerFeed(this.storage, 0, { pollMs: null, maxRetryMs: 20 });
      this.feeds.add(feed);
      const followed = {
        [Symbol.asyncIterator]: () => feed.events(stream.signal),
        writeDirectly: (sink: DirectSink) =>
          feed.writeTo({
            format: sink.format,
            ready: () => this.allowDirect && sink.ready(),
            write: (frame) => {
              this.direct++;
              sink.write(frame);
            },
          }),
      };
      const format = request.url?.startsWith('/raw') ? 'raw' : 'event-stream';
      const done = format === 'raw' ? writeRaw(stream, followed) : writeEventStream(stream, 7, followed, false);
      void done.finally(() => this.feeds.delete(feed));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** What the hub's NATS callback does with one live output message: store it (as the output service will), fan it out. */
  print(text: string | Buffer): void {
    const bytes = Buffer.from(text);
    const offset = this.storage.length;
    this.storage.persist(bytes);
    const frame = new SharedFrame(offset, bytes);
    for (const feed of this.feeds) feed.receive({ type: 'output', offset, bytes }, frame);
  }

  /** A live message lost on the bus (core NATS is at-most-once): stored, never fanned out. */
  lose(text: string): void {
    this.storage.persist(Buffer.from(text));
  }

  end(): void {
    this.storage.ended = true;
    for (const feed of this.feeds) feed.receive({ type: 'status', containerId: 7, status: 'ended', exitCode: 0 });
  }

  client(format: Format, stalled = false): { socket: Socket; text: () => string; closed: Promise<void> } {
    const socket = connect((this.server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`GET /${format === 'raw' ? 'raw' : 'sse'}${stalled ? '?stalled' : ''} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    return { socket, text: () => received, closed: new Promise((resolve) => socket.on('close', () => resolve())) };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A chunked HTTP/1.1 response's body. */
function body(response: string): string {
  const pieces: string[] = [];
  for (let at = response.indexOf('\r\n\r\n') + 4; ;) {
    const eol = response.indexOf('\r\n', at);
    const size = parseInt(response.slice(at, eol), 16);
    if (!size) return Buffer.from(pieces.join(''), 'latin1').toString('utf8');
    pieces.push(response.slice(eol + 2, eol + 2 + size));
    at = eol + 4 + size;
  }
}

/** The output a v1 event stream carries: its messages' data lines joined as an EventSource would, pieces concatenated. */
const sseOutput = (stream: string): string =>
  stream
    .split('\n\n')
    .filter((block) => block.startsWith('id: '))
    .map((block) =>
      block
        .split('\n')
        .slice(1)
        .map((line) => line.slice(6))
        .join('\n'),
    )
    .join('');

/** READERS_PER_FORMAT followers per format read, one stops reading; the container prints lines, then 6 MiB at once, then ends. */
async function run(allowDirect: boolean) {
  const followers = new Followers(allowDirect);
  await followers.listen();
  try {
    const readers = [...Array(READERS_PER_FORMAT)].flatMap(() => [followers.client('event-stream'), followers.client('raw')]);
    const stalled = followers.client('raw', true);
    stalled.socket.pause();
    await waitUntil(async () => followers.feeds.size === 2 * READERS_PER_FORMAT + 1 && followers.streams.every((s) => s.started), {
      message: 'every follower to join',
    });
    followers.print('before the first read\n');
    await waitUntil(async () => readers.every((r) => r.text().includes('before the first read')), { message: 'the first line everywhere' });
    const lines = ['plain line\n', 'a piece ', 'of a line\n', 'h\u00e9llo w\u00f6rld \u20ac\n', 'cr\r\nlf\n', '\u{1F600}'];
    for (const line of lines) {
      const before = followers.storage.length + Buffer.byteLength(line);
      followers.print(line);
      // Each line reaches every reader before the next: the followers are in step, as on a quiet gateway.
      await waitUntil(async () => readers.every((r) => receivedPast(r.text(), before)), { message: `"${line}" everywhere` });
    }
    // A lost message: the next one starts past every follower's position, which fills the gap from storage.
    followers.lose('lost on the bus\n');
    followers.print('after the loss\n');
    // A character cut between two messages: the event-stream followers' splitters hold its start.
    const euro = Buffer.from('\u20ac\n');
    followers.print(euro.subarray(0, 1));
    followers.print(euro.subarray(1));
    // 6 MiB at once: past what the paused socket's kernel buffers take (the sender's grows to 4 MiB here).
    for (let i = 0; i < 96; i++) followers.print('y'.repeat(64 * 1024 - 1) + '\n');
    followers.print('last line\n');
    followers.end();
    // The readers get everything and their streams end while the non-reading client still holds its place.
    await Promise.all(readers.map((r) => r.closed));
    await waitUntil(async () => followers.stalledStream!.signal.aborted, { timeoutMs: 10_000, message: 'the non-reading client to be cut' });
    stalled.socket.resume();
    await stalled.closed;
    return { followers, readers: readers.map((r) => r.text()), stalled: stalled.text(), stored: followers.storage.stored.toString('utf8') };
  } finally {
    await followers.close();
  }
}

/** Where two (megabyte-long) texts first differ, with a little context; null when they are the same. */
function difference(actual: string, expected: string): string | null {
  if (actual === expected) return null;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  return `lengths ${actual.length} / ${expected.length}, first difference at ${at}: ${JSON.stringify(actual.slice(at, at + 60))} instead of ${JSON.stringify(expected.slice(at, at + 60))}`;
}

/** True once the response's body reaches byte `end` of the output (raw: its length; event stream: an id at or past it). */
function receivedPast(response: string, end: number): boolean {
  if (!response.includes('\r\n\r\n')) return false;
  const ids = [...response.matchAll(/id: (\d+)\n/g)].map((m) => Number(m[1]));
  if (ids.length) return ids[ids.length - 1]! >= end;
  return Buffer.byteLength(response.slice(response.indexOf('\r\n\r\n') + 4), 'latin1') >= end;
}

let inStep: ReturnType<typeof run>;

test('followers in step share one formatted frame per message and each gets exactly its bytes; a non-reading one is cut and holds back nobody', async () => {
  inStep = run(true);
  const { followers, readers, stalled, stored } = await inStep;
  // The six lines printed one by one went straight from the "hub" to each reading follower.
  expect(followers.direct).toBeGreaterThanOrEqual(6 * 2 * READERS_PER_FORMAT);
  for (const [i, response] of readers.entries()) {
    const text = body(response);
    if (i % 2 === 1) expect(difference(text, stored)).toBeNull();
    else {
      expect(difference(sseOutput(text), stored.replace(/\r\n/g, '\n'))).toBeNull();
      expect(text.endsWith(': container 7 ended\n\n')).toBe(true);
    }
  }
  // Every follower of a format got the same bytes, in step or not.
  expect(new Set(readers.filter((_, i) => i % 2 === 0).map(body)).size).toBe(1);
  expect(new Set(readers.filter((_, i) => i % 2 === 1).map(body)).size).toBe(1);
  // The non-reading client: cut short, never given the end.
  expect(stalled.startsWith('HTTP/1.1 200')).toBe(true);
  expect(stalled).not.toContain('last line');
});

test('control: with direct writes refused every follower goes through its feed, and the streams are byte for byte the same', async () => {
  const direct = await inStep;
  const control = await run(false);
  expect(control.followers.direct).toBe(0);
  expect(control.stored).toBe(direct.stored);
  // (Keep-alive comments come every 5 s, whenever a run happens to last that long.)
  const bodies = (readers: string[]) => readers.map((r) => body(r).replaceAll(KEEPALIVE, ''));
  const [got, expected] = [bodies(control.readers), bodies(direct.readers)];
  for (const [i, text] of got.entries()) expect(difference(text, expected[i]!)).toBeNull();
});

test('a frame is formatted once per format however many followers take it; a message ending inside a character has no event-stream frame', () => {
  let made = 0;
  const counting: FrameFormat = { frame: (offset, bytes) => (made++, SSE_OUTPUT_FRAMES.frame(offset, bytes)) };
  const frame = new SharedFrame(10, Buffer.from('one\ntwo'));
  const copies = Array.from({ length: 100 }, () => frame.as(counting));
  expect(made).toBe(1);
  expect(copies.every((copy) => copy === copies[0])).toBe(true);
  expect(copies[0]!.toString()).toBe('id: 14\ndata: one\ndata: \n\nid: 17\ndata: two\n\n');
  expect(new SharedFrame(0, Buffer.from('\u20ac').subarray(0, 2)).as(SSE_OUTPUT_FRAMES)).toBeNull();
});
