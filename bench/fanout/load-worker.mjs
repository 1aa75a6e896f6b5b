// One load-generator process of the fan-out bench (forked by run.mjs, so the clients do not share a core
// with the gateway or with each other). It holds many streaming HTTP clients, each on its own socket,
// reads `line <n> <print time>` lines from them (raw text or `data: ` lines of an event stream) and
// records print → receive latency in a histogram on the same host clock as the printing scripts.
// Messages from the parent: open {clients: [{url, method, headers}]}, measure, report, close.
import { connect } from 'node:net';
import { Histogram } from './histogram.mjs';
import { now } from '../launch/sse-client.mjs';

const LINE = /^(?:data: )?line \d+ (\d+\.\d{3})$/;
const OPEN_CONCURRENCY = 64;

let histogram = new Histogram();
const open = new Set();
const counters = { lines: 0, endedEarly: 0, errors: 0, bytes: 0 };
let closing = false;
/** Lines are parsed only inside the window: while thousands of clients open, the workers stay light. */
let measuring = false;
/**
 * Only lines printed from the window's start count: a follower opened at the start of the output replays
 * what was printed before it joined (read from storage), which is history, not live latency.
 */
let windowStart = Infinity;
/** This worker's CPU at the window's start: the client side's cost is reported beside the server's. */
let cpuAtStart = process.cpuUsage();

/**
 * The body of a chunked HTTP response, decoded as it comes: each piece of data is handed to `onData`.
 * A raw socket and this decoder instead of node:http's client: at 100,000 client-lines/s the clients'
 * own stream machinery was the bench's largest CPU cost on this 2-core machine (the load workers, not
 * the server under test, set the pace at which 5,000 clients could open).
 */
class ChunkedBody {
  constructor(onData) {
    this.onData = onData;
    this.left = 0; // bytes of the current chunk still to come
    this.skip = 0; // the CRLF after a chunk's data
    this.header = '';
  }

  push(text) {
    let at = 0;
    while (at < text.length) {
      if (this.skip) {
        const n = Math.min(this.skip, text.length - at);
        this.skip -= n;
        at += n;
      } else if (this.left) {
        const piece = text.slice(at, at + this.left);
        this.left -= piece.length;
        at += piece.length;
        if (!this.left) this.skip = 2;
        this.onData(piece);
      } else {
        // The size line may itself be cut between two reads (even between its CR and LF).
        const eol = text.indexOf('\n', at);
        if (eol === -1) {
          this.header += text.slice(at);
          return;
        }
        this.left = parseInt(this.header + text.slice(at, eol), 16);
        this.header = '';
        at = eol + 1;
        if (!this.left) return; // last chunk: the response ended
      }
    }
  }
}

/** Opens one client; resolves once its response headers arrived (rejects on a non-2xx status). */
function openClient({ url, method, headers }) {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const head = Object.entries({ host: `${hostname}:${port}`, ...headers, 'content-length': '0' })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`${method} ${pathname}${search} HTTP/1.1\r\n${head}\r\n`);
    // Latin-1: one character per byte, so the chunk sizes count characters (the lines are ASCII).
    socket.setEncoding('latin1');
    let pending = '';
    const body = new ChunkedBody((piece) => {
      if (!measuring) return;
      const receivedAt = now();
      pending += piece;
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
        const match = LINE.exec(pending.slice(start, nl));
        if (match && Number(match[1]) >= windowStart) {
          histogram.add(receivedAt - Number(match[1]));
          counters.lines++;
        }
        start = nl + 1;
      }
      pending = pending.slice(start);
    });
    let response = '';
    let headersDone = false;
    socket.on('data', (text) => {
      counters.bytes += text.length;
      if (headersDone) return body.push(text);
      response += text;
      const end = response.indexOf('\r\n\r\n');
      if (end === -1) return;
      const status = Number(response.slice(9, 12));
      if (status !== 200) {
        socket.destroy();
        return reject(new Error(`${method} ${url} answered ${status}: ${response.slice(end + 4, end + 204)}`));
      }
      headersDone = true;
      open.add(socket);
      resolve();
      body.push(response.slice(end + 4));
      response = '';
    });
    socket.on('close', () => {
      if (!open.delete(socket)) return reject(new Error(`${method} ${url}: connection closed before the answer`));
      if (!closing) counters.endedEarly++;
    });
    socket.on('error', (error) => {
      if (!closing) counters.errors++;
      reject(error);
    });
  });
}

async function openAll(clients) {
  let next = 0;
  let failed = 0;
  let firstError = null;
  await Promise.all(
    Array.from({ length: OPEN_CONCURRENCY }, async () => {
      while (next < clients.length) {
        const client = clients[next++];
        await openClient(client).catch((error) => {
          failed++;
          firstError ??= error.message;
        });
      }
    }),
  );
  return { opened: clients.length - failed, failed, firstError };
}

process.on('message', async (message) => {
  if (message.type === 'open') {
    process.send({ type: 'opened', ...(await openAll(message.clients)) });
  } else if (message.type === 'measure') {
    histogram = new Histogram();
    counters.lines = 0;
    measuring = true;
    cpuAtStart = process.cpuUsage();
    windowStart = message.windowStart;
    process.send({ type: 'measuring' });
  } else if (message.type === 'report') {
    const cpu = process.cpuUsage(cpuAtStart);
    process.send({ type: 'report', pairs: histogram.toPairs(), open: open.size, cpuSeconds: (cpu.user + cpu.system) / 1e6, ...counters });
  } else if (message.type === 'close') {
    closing = true;
    for (const socket of open) socket.destroy();
    process.send({ type: 'closed' });
    process.disconnect();
  }
});
