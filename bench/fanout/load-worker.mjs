// One load-generator process of the fan-out bench (forked by run.mjs, so the clients do not share a core
// with the gateway or with each other). It holds many streaming HTTP clients, each on its own socket,
// reads `line <n> <print time>` lines from them (raw text or `data: ` lines of an event stream) and
// records print → receive latency in a histogram on the same host clock as the printing scripts.
// Messages from the parent: open {clients: [{url, method, headers}]}, measure, report, close.
import http from 'node:http';
import { Histogram } from './histogram.mjs';
import { now } from '../launch/sse-client.mjs';

const LINE = /^(?:data: )?line \d+ (\d+\.\d{3})$/;
const OPEN_CONCURRENCY = 64;

let histogram = new Histogram();
const open = new Set();
const counters = { lines: 0, endedEarly: 0, errors: 0 };
let closing = false;
/** Lines are parsed only inside the window: while thousands of clients open, the workers stay light. */
let measuring = false;
/**
 * Only lines printed from the window's start count: a follower opened at the start of the output replays
 * what was printed before it joined (read from storage), which is history, not live latency.
 */
let windowStart = Infinity;

/** Opens one client; resolves once its response headers arrived (rejects on a non-2xx status). */
function openClient({ url, method, headers }) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => reject(new Error(`${method} ${url} answered ${response.statusCode}: ${body.slice(0, 200)}`)));
        return;
      }
      open.add(request);
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        if (!measuring) return;
        const receivedAt = now();
        pending += chunk;
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
      response.on('close', () => {
        open.delete(request);
        if (!closing) counters.endedEarly++;
      });
      resolve();
    });
    request.on('error', (error) => {
      if (!closing) counters.errors++;
      reject(error);
    });
    request.end();
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
    windowStart = message.windowStart;
    process.send({ type: 'measuring' });
  } else if (message.type === 'report') {
    process.send({ type: 'report', pairs: histogram.toPairs(), open: open.size, ...counters });
  } else if (message.type === 'close') {
    closing = true;
    for (const request of open) request.destroy();
    process.send({ type: 'closed' });
    process.disconnect();
  }
});
