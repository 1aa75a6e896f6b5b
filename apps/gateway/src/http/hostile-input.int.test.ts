import { connect } from 'node:net';
import { startGateway } from '../gateway-app.js';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

/**
 * A client sending bytes the platform can't store unchanged — NUL, invalid UTF-8 (lone bytes,
 * overlong sequences, encoded surrogates), unpaired surrogates — in paths, query strings, key
 * headers and bodies, and bodies larger than the bus carries. Every one answers 4xx naming the
 * field, in the generation's error shape; never 500.
 */

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.close();
});

type Generation = 'v1' | 'v1-agent' | 'v2' | 'external';

/** The fields an error body names, read the way each generation lists them. */
function namedFields(generation: Generation, body: any): string[] {
  switch (generation) {
    case 'v1':
      return (body?.data?.fields ?? []).map((f: { field: string }) => f.field);
    case 'v1-agent':
      return Object.keys(body?.errors ?? {});
    default:
      return (body?.details ?? []).map((f: { field: string }) => f.field);
  }
}

async function send(method: string, path: string, opts: { body?: string | Buffer; type?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'X-Phantombuster-Key-1': platform.adminKey, ...opts.headers };
  if (opts.type) headers['content-type'] = opts.type;
  const res = await fetch(platform.baseUrl + path, { method, headers, body: opts.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

/** Percent-encoded bad text, as it travels in URLs and form bodies. */
const BAD_ENCODED = [
  { label: 'NUL', encoded: '%00', problem: 'NUL' },
  { label: 'a lone 0xFF byte', encoded: '%FF', problem: 'UTF-8' },
  { label: 'an overlong "."', encoded: '%C0%AE', problem: 'UTF-8' },
  { label: 'an encoded surrogate', encoded: '%ED%A0%80', problem: 'UTF-8' },
];

interface Route {
  label: string;
  generation: Generation;
  method: string;
  /** Where the bad text goes: a path segment, a query parameter, a form field or a JSON field. */
  url?: (bad: string) => string;
  form?: (bad: string) => { path: string; body: string };
  json?: (value: string) => { path: string; body: Record<string, unknown> };
  field: string;
}

const routes: Route[] = [
  { label: 'v1 script by name (path)', generation: 'v1', method: 'GET', url: (b) => `/api/v1/script/by-name/raw/a${b}b.js`, field: 'path' },
  { label: 'v1 agent output (path)', generation: 'v1', method: 'GET', url: (b) => `/api/v1/agent/1${b}/output.json`, field: 'path' },
  { label: 'v1 storage (path)', generation: 'v1', method: 'GET', url: (b) => `/api/v1/agent/1/storage/f${b}.txt`, field: 'path' },
  { label: 'v1 scripts.json (query)', generation: 'v1', method: 'GET', url: (b) => `/api/v1/scripts.json?name=x${b}`, field: 'name' },
  { label: 'v2 agents/fetch (query)', generation: 'v2', method: 'GET', url: (b) => `/api/v2/agents/fetch?id=1${b}`, field: 'id' },
  { label: 'v2 key parameter (query)', generation: 'v2', method: 'GET', url: (b) => `/api/v2/agents/fetch-all?key=abc${b}def`, field: 'key' },
  { label: 'the agents API execute (path)', generation: 'external', method: 'POST', url: (b) => `/v1/agents/1${b}/execute`, field: 'path' },
  {
    label: 'v1 script save (form)',
    generation: 'v1',
    method: 'POST',
    form: (b) => ({ path: '/api/v1/script/hostile.js', body: `text=console.log(1)${b}` }),
    field: 'text',
  },
  {
    label: 'v1 agent create (json)',
    generation: 'v1-agent',
    method: 'POST',
    json: (v) => ({ path: '/api/v1/agent', body: { name: `agent${v}` } }),
    form: (b) => ({ path: '/api/v1/agent', body: `name=agent${b}` }),
    field: 'name',
  },
  {
    label: 'v2 agents/save (json, nested)',
    generation: 'v2',
    method: 'POST',
    json: (v) => ({ path: '/api/v2/agents/save', body: { name: 'ok', argument: { list: ['fine', `x${v}`] } } }),
    field: 'argument.list.1',
  },
  {
    label: 'v2 scripts/save (form)',
    generation: 'v2',
    method: 'POST',
    form: (b) => ({ path: '/api/v2/scripts/save', body: `name=s${b}.js&text=1` }),
    field: 'name',
  },
  {
    label: 'the agents API create agent (json)',
    generation: 'external',
    method: 'POST',
    json: (v) => ({ path: '/v1/agents', body: { name: `agent${v}`, scriptId: '1' } }),
    field: 'name',
  },
];

const urlCases = routes.filter((r) => r.url).flatMap((r) => BAD_ENCODED.map((b) => ({ ...r, bad: b })));
test.each(urlCases)('$label with $bad.label answers 400 naming "$field"', async ({ generation, method, url, field, bad }) => {
  const res = await send(method, url!(bad.encoded));
  expect(res.status).toBe(400);
  expect(namedFields(generation, res.body)).toEqual([field]);
  expect(res.text).toContain(bad.problem);
});

const formCases = routes.filter((r) => r.form).flatMap((r) => BAD_ENCODED.map((b) => ({ ...r, bad: b })));
test.each(formCases)('$label form body with $bad.label answers 400 naming "$field"', async ({ generation, method, form, field, bad }) => {
  const { path, body } = form!(bad.encoded);
  const res = await send(method, path, { type: 'application/x-www-form-urlencoded', body });
  expect(res.status).toBe(400);
  expect(namedFields(generation, res.body)).toEqual([field]);
});

const JSON_BAD = [
  { label: 'NUL (\\u0000)', value: '\u0000' },
  { label: 'an unpaired surrogate (\\ud800)', value: '\ud800' },
];
const jsonCases = routes.filter((r) => r.json).flatMap((r) => JSON_BAD.map((b) => ({ ...r, bad: b })));
test.each(jsonCases)('$label JSON body with $bad.label answers 400 naming "$field"', async ({ generation, method, json, field, bad }) => {
  const { path, body } = json!(bad.value);
  const res = await send(method, path, { type: 'application/json', body: JSON.stringify(body) });
  expect(res.status).toBe(400);
  expect(namedFields(generation, res.body)).toEqual([field]);
});

test.each([
  { label: 'a lone 0xFF byte', bytes: [0xff] },
  { label: 'an overlong "."', bytes: [0xc0, 0xae] },
  { label: 'a truncated sequence', bytes: [0xe2, 0x82] },
])('a JSON body holding raw $label answers 400 naming "body" (not silently replaced)', async ({ bytes }) => {
  const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('b"}')]);
  const res = await send('POST', '/api/v2/agents/save', { type: 'application/json', body });
  expect(res.status).toBe(400);
  expect(namedFields('v2', res.body)).toEqual(['body']);
  // Control: the same body with valid UTF-8 is saved.
  const ok = await send('POST', '/api/v2/agents/save', { type: 'application/json', body: JSON.stringify({ name: `ok_${bytes.join('_')}_é` }) });
  expect(ok.status).toBe(200);
});

test('a JSON body nested 300,000 levels deep answers 400 naming "body" (it overflowed the stack: 500); 90 levels are fine', async () => {
  for (const body of ['['.repeat(300_000) + ']'.repeat(300_000), '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000)]) {
    const res = await send('POST', '/api/v2/agents/save', { type: 'application/json', body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ details: [{ field: 'body', message: 'nests deeper than 100 levels' }] });
  }
  const nested = JSON.parse('{"a":'.repeat(90) + '1' + '}'.repeat(90));
  const ok = await send('POST', '/api/v2/agents/save', { type: 'application/json', body: JSON.stringify({ name: 'deep_but_fine', argument: nested }) });
  expect(ok.status).toBe(200);
});

test('a key header that is not printable ASCII answers 400 naming the header', async () => {
  const res = await send('GET', '/api/v2/agents/fetch-all', { headers: { 'X-Phantombuster-Key-1': 'abc\u00ffdef' } });
  expect(res.status).toBe(400);
  expect(namedFields('v2', res.body)).toEqual(['x-phantombuster-key-1']);
  const bearer = await send('GET', '/api/v1/scripts.json', { headers: { 'X-Phantombuster-Key-1': '', authorization: 'Bearer \u00c0\u00ae' } });
  expect(bearer.status).toBe(400);
  expect(namedFields('v1', bearer.body)).toEqual(['authorization']);
});

/** Sends raw bytes (no client library in the way) and answers the raw response. */
async function rawRequest(head: Buffer | string): Promise<string> {
  const socket = connect(Number(new URL(platform.baseUrl).port), '127.0.0.1');
  return new Promise<string>((resolve, reject) => {
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write(head);
  });
}

test('a NUL byte inside a key header is refused by the HTTP parser (400), never reaching a service', async () => {
  const answer = await rawRequest(
    Buffer.from(`GET /api/v2/agents/fetch-all HTTP/1.1\r\nHost: x\r\nX-Phantombuster-Key-1: abc\u0000def\r\nConnection: close\r\n\r\n`, 'latin1'),
  );
  expect(answer).toMatch(/^HTTP\/1\.1 400 /);
});

test('raw (not percent-encoded) invalid UTF-8 bytes in the path or query answer 400, never 500', async () => {
  for (const target of ['/api/v1/script/by-name/raw/a\xffb.js', '/api/v2/agents/fetch?id=1\xc0\xae']) {
    const answer = await rawRequest(
      Buffer.from(`GET ${target} HTTP/1.1\r\nHost: x\r\nX-Phantombuster-Key-1: ${platform.adminKey}\r\nConnection: close\r\n\r\n`, 'latin1'),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  }
});

describe('bodies and the bus: never 500', () => {
  const KiB = 1024;
  const form = (text: string) => 'name=big.js&text=' + text;

  test('the gateway accepts no more than the bus carries (the NATS server max_payload)', () => {
    expect(platform.gateway.bodyLimitBytes).toBe(1024 * 1024);
  });

  test('a BODY_LIMIT_BYTES above max_payload stops the gateway at start, saying what to set', async () => {
    await expect(startGateway({ natsUrl: platform.natsUrl, port: 0, host: '127.0.0.1', logLevel: 'error', bodyLimitBytes: 5 * 1024 * 1024 })).rejects.toThrow(
      /BODY_LIMIT_BYTES \(5242880\) is larger than the NATS server's max_payload \(1048576\)/,
    );
  });

  test('900 KiB of JSON reaches the service, which answers about the field (400, not 413 or 500)', async () => {
    const res = await send('POST', '/api/v2/scripts/save', { type: 'application/json', body: JSON.stringify({ name: 'big.js', text: 'a'.repeat(900 * KiB) }) });
    expect(res.status).toBe(400);
    expect(namedFields('v2', res.body)).toEqual(['text']);
  });

  test('900 KiB of form body reaches the service too (400 on the field)', async () => {
    const res = await send('POST', '/api/v2/scripts/save', { type: 'application/x-www-form-urlencoded', body: form('a'.repeat(900 * KiB)) });
    expect(res.status).toBe(400);
    expect(namedFields('v2', res.body)).toEqual(['text']);
  });

  test('900 KiB of form body that grows past the bus once JSON-escaped answers 413, not 500', async () => {
    // %01 is 3 bytes in the form and 6 (\u0001) in the JSON envelope: 1.8 MB on the bus.
    const res = await send('POST', '/api/v2/scripts/save', { type: 'application/x-www-form-urlencoded', body: form('%01'.repeat(300 * KiB)) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 'error', error: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('once encoded') });
  });

  test('a JSON body just under the limit, too large once wrapped in the RPC envelope: 413 in the v1 shape', async () => {
    const frame = JSON.stringify({ text: '' });
    const body = JSON.stringify({ text: 'a'.repeat(platform.gateway.bodyLimitBytes - frame.length - 10) });
    expect(Buffer.byteLength(body)).toBeLessThan(platform.gateway.bodyLimitBytes);
    const res = await send('POST', '/api/v1/script/big.js', { type: 'application/json', body });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 'error', code: 'PAYLOAD_TOO_LARGE' });
  });

  test.each([
    { label: '1.5 MiB JSON', size: 1.5 * 1024 * KiB, type: 'application/json' },
    { label: '4 MiB JSON', size: 4 * 1024 * KiB, type: 'application/json' },
    { label: '1.5 MiB form', size: 1.5 * 1024 * KiB, type: 'application/x-www-form-urlencoded' },
    { label: '4 MiB form', size: 4 * 1024 * KiB, type: 'application/x-www-form-urlencoded' },
  ])('$label answers 413 in each generation shape', async ({ size, type }) => {
    const body = type === 'application/json' ? JSON.stringify({ name: 'big', text: 'a'.repeat(size) }) : form('a'.repeat(size));
    const v2 = await send('POST', '/api/v2/scripts/save', { type, body });
    expect(v2.status).toBe(413);
    expect(v2.body).toMatchObject({ status: 'error', error: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' });
    const v1 = await send('POST', '/api/v1/script/big.js', { type, body });
    expect(v1.status).toBe(413);
    expect(v1.body).toMatchObject({ status: 'error', code: 'PAYLOAD_TOO_LARGE' });
    const external = await send('POST', '/v1/agents', { type, body });
    expect(external.status).toBe(413);
    expect(external.body).toEqual({ error: 'Request body is too large' });
  });
});
