import { createHash } from 'node:crypto';
import { NO_SANDBOX_WARNING } from '@agentry/contracts';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, parseSse, type ExecutionApi } from './execution-test-kit.js';

/** Resuming an event stream, and reading a 10 MB output by polling: every byte exactly once. */

/** 40 numbered lines, one every 25 ms, with multi-byte characters. */
const SLOW_LINES = `
let i = 0;
const timer = setInterval(() => {
  i += 1;
  console.log('line ' + i + ' héllo €uro 😀');
  if (i === 40) clearInterval(timer);
}, 25);
`;
// The test platform runs scripts without a sandbox (isolation none): every run's output starts with the runner's warning line.
const SLOW_OUTPUT = NO_SANDBOX_WARNING + Array.from({ length: 40 }, (_, i) => `line ${i + 1} héllo €uro 😀\n`).join('');

/** The same function builds the 10 MB output in the script and, here, what it must be. */
const BIG_LINE = "(i) => String(i).padStart(7, '0') + ' héllo wörld €uro 😀 ' + 'x'.repeat(40) + '\\n'";
const bigLine = new Function(`return ${BIG_LINE}`)() as (i: number) => string;
const TEN_MB = 10 * 1024 * 1024;
const BIG_SCRIPT = `
const line = ${BIG_LINE};
let i = 0;
let written = 0;
function write() {
  while (written < ${TEN_MB}) {
    const text = line(i++);
    written += Buffer.byteLength(text);
    if (!process.stdout.write(text)) return process.stdout.once('drain', write);
  }
}
write();
`;
function bigOutput(): Buffer {
  const parts: string[] = [];
  let written = 0;
  for (let i = 0; written < TEN_MB; i++) {
    const text = bigLine(i);
    written += Buffer.byteLength(text);
    parts.push(text);
  }
  return Buffer.from(parts.join(''));
}
const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

let platform: TestPlatform;
let api: ExecutionApi;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  api = executionApi(platform, (await platform.newOrg()).key);
});
afterAll(async () => {
  await platform?.close();
});

describe('event-stream resume (Last-Event-ID)', () => {
  test('a client cut off mid-run reconnects with the same idempotency key and gets the rest, no gap, no repeat', async () => {
    const agent = await api.agent('slow_lines', SLOW_LINES);
    const url = `${platform.baseUrl}/api/v1/agent/${agent}/launch?output=event-stream&idempotencyKey=resume-1`;
    const headers = { 'X-Phantombuster-Key-1': api.key };

    // First connection: read until 10 messages arrived, then drop the connection.
    const cut = new AbortController();
    const res = await fetch(url, { method: 'POST', headers, signal: cut.signal });
    const decoder = new TextDecoder();
    let received = '';
    const reader = res.body!.getReader();
    while (parseSse(received).events.length < 10) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    // Only whole messages count: what follows the last blank line is an unfinished one.
    const whole = received.slice(0, received.lastIndexOf('\n\n') + 2);
    cut.abort();
    const first = parseSse(whole).events;
    const lastId = first[first.length - 1]!.id!;

    // Second connection: same URL (same key), resumed from the last id.
    const rest = await fetch(url, { method: 'POST', headers: { ...headers, 'Last-Event-ID': lastId } });
    expect(rest.status).toBe(200);
    const second = parseSse(await rest.text());
    expect(Number(second.events[0]!.id)).toBeGreaterThan(Number(lastId));
    expect([...first, ...second.events].map((e) => e.data).join('')).toBe(SLOW_OUTPUT);
    const containerId = /^container (\d+) /.exec(second.comments[0]!)![1]!;
    expect(await api.storedOutput(containerId)).toBe(SLOW_OUTPUT);

    // At the very end of an ended container: 204, so an EventSource stops reconnecting.
    const atEnd = await fetch(url, { method: 'POST', headers: { ...headers, 'Last-Event-ID': String(Buffer.byteLength(SLOW_OUTPUT)) } });
    expect(atEnd.status).toBe(204);
    // From 0 after the end: the whole output from storage.
    const replay = await fetch(url, { method: 'POST', headers: { ...headers, 'Last-Event-ID': '0' } });
    expect(
      parseSse(await replay.text())
        .events.map((e) => e.data)
        .join(''),
    ).toBe(SLOW_OUTPUT);
  });

  test('Last-Event-ID without an idempotency key would launch another container: 400 naming idempotencyKey', async () => {
    const agent = await api.agent('no_key', 'console.log(1)');
    const read = await api.sse(agent, '', { 'Last-Event-ID': '10' });
    expect(read.status).toBe(400);
    expect(JSON.parse(read.text)).toMatchObject({ status: 'error', data: { fields: [{ field: 'idempotencyKey' }] } });
  });
});

describe('a script printing 10 MB', () => {
  let agent: string;
  let expected: Buffer;
  beforeAll(async () => {
    agent = await api.agent('ten_mb', BIG_SCRIPT, { executionTimeLimit: 600 });
    expected = Buffer.concat([Buffer.from(NO_SANDBOX_WARNING), bigOutput()]);
  });

  test('output.json polled by outputPos reassembles the exact bytes', async () => {
    const containerId = await api.launch(agent);
    const pieces: string[] = [];
    let position = 0;
    for (let polls = 0; ; polls++) {
      const res = await platform.request('GET', `/api/v1/agent/${agent}/output.json?containerId=${containerId}&fromOutputPos=${position}`, { key: api.key });
      expect(res.status).toBe(200);
      const data = res.body.data;
      expect(data.containerId).toBe(containerId);
      pieces.push(data.output);
      expect(data.outputPos).toBe(position + Buffer.byteLength(data.output));
      const moved = data.outputPos > position;
      position = data.outputPos;
      if (!moved && data.containerStatus === 'not running' && position >= expected.length) break;
      if (!moved) await new Promise((r) => setTimeout(r, 50));
      if (polls > 10_000) throw new Error('output never completed');
    }
    const text = pieces.join('');
    expect(Buffer.byteLength(text)).toBe(expected.length);
    expect(sha(text)).toBe(sha(expected));
  });

  test('event-stream and raw give the same bytes', async () => {
    const raw = await api.stream(agent, 'output=raw');
    expect(sha(raw.text)).toBe(sha(expected));
    const sse = await api.sse(agent);
    expect(sha(sse.events.map((e) => e.data).join(''))).toBe(sha(expected));
    expect(Number(sse.events[sse.events.length - 1]!.id)).toBe(expected.length);
  });
});
