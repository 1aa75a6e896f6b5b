// The fan-out bench's raw baseline: a bare node:http event-stream server (no auth, no NATS, no
// framework) with `channels` feeds producing `linesPerSecond` lines in all, each line stamped when it
// is made and written to every client following its channel, as the platform's scripts print theirs.
// Forked by run.mjs; answers {type: 'listening', port} then {type: 'rss', rss} on request.
import http from 'node:http';
import { now } from '../launch/sse-client.mjs';

const channels = Number(process.argv[2]);
const linesPerSecond = Number(process.argv[3]);
const followers = Array.from({ length: channels }, () => new Set());

const server = http.createServer((request, response) => {
  const match = /^\/c\/(\d+)$/.exec(request.url ?? '');
  const channel = match ? followers[Number(match[1])] : undefined;
  if (!channel) return response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  response.flushHeaders();
  channel.add(response);
  response.on('close', () => channel.delete(response));
});
server.keepAliveTimeout = 0;

// Lines are due at a steady rate from the start, round robin over the channels, so each channel gets its
// share steadily as the platform's scripts (or run.mjs's publisher) print theirs; the work per tick is the
// lines due, not the channels (5,000 channels in shape (ii)).
const started = now();
const lines = new Array(channels).fill(0);
let sent = 0;
setInterval(() => {
  const due = Math.floor(((now() - started) * linesPerSecond) / 1000);
  for (; sent < due; sent++) {
    const c = sent % channels;
    const message = `data: line ${++lines[c]} ${now().toFixed(3)}\n\n`;
    for (const response of followers[c]) response.write(message);
  }
}, 1);

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', (message) => {
  if (message.type === 'rss') process.send({ type: 'rss', rss: process.memoryUsage().rss });
  if (message.type === 'close') {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  }
});
