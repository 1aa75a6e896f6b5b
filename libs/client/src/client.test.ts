import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AgentryApiError, AgentryClient, AgentryConnectionError, AgentryResponseError } from './index.js';

/**
 * The client against a real HTTP server on loopback that plays a hostile or broken gateway, and
 * the check that its generated files match the document.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let url: string;
const server = createServer((req, res) => handler(req, res));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const answer =
  (status: number, type: string, body: string): Handler =>
  (_req, res) =>
    void res.writeHead(status, { 'content-type': type }).end(body);

test('the generated types and operation table match openapi.json (a stale one fails the check)', () => {
  const script = fileURLToPath(new URL('../scripts/generate.mjs', import.meta.url));
  expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('matches');
});

test('a call sends the key, the method, path and query of its operation, and answers the JSON', async () => {
  let seen: { method?: string; url?: string; key?: string | string[] } = {};
  handler = (req, res) => {
    seen = { method: req.method, url: req.url, key: req.headers['x-phantombuster-key-1'] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ agentId: '7', currentVersionId: 'v2', versions: [] }));
  };
  const client = new AgentryClient({ url, apiKey: 'k-secret' });
  const versions = await client.agents.versions('7');
  expect(versions.currentVersionId).toBe('v2');
  expect(seen).toEqual({ method: 'GET', url: '/api/v2/agents/versions?id=7', key: 'k-secret' });
  await client.keys.revoke('12/../x').catch(() => undefined);
  expect(seen.url).toBe('/api/v2/org/api-keys/12%2F..%2Fx/revoke');
});

test("an API error is an AgentryApiError carrying the API's message, code and field (all four shapes)", async () => {
  const client = new AgentryClient({ url, apiKey: 'k' });
  handler = answer(
    400,
    'application/json',
    JSON.stringify({ status: 'error', error: 'VALIDATION_FAILED', message: 'Invalid request', details: [{ field: 'id', message: 'must be digits' }] }),
  );
  const v2 = await client.agents.fetch('x').catch((e: unknown) => e);
  expect(v2).toBeInstanceOf(AgentryApiError);
  expect(v2).toMatchObject({
    status: 400,
    code: 'VALIDATION_FAILED',
    apiMessage: 'Invalid request',
    field: 'id',
    message: 'Invalid request (id: must be digits)',
  });

  handler = answer(
    400,
    'application/json',
    JSON.stringify({ status: 'error', code: 'validation_errors', message: 'Invalid', errors: { name: ['is too long'] } }),
  );
  expect(await client.call('v1AgentSave', { body: {} }).catch((e: unknown) => e)).toMatchObject({ field: 'name', code: 'validation_errors' });
  handler = answer(404, 'application/json', JSON.stringify({ error: 'Agent not found' }));
  expect(await client.call('externalAgentExecute', { path: { agentId: '1' } }).catch((e: unknown) => e)).toMatchObject({
    status: 404,
    message: 'Agent not found',
  });
  handler = answer(404, 'application/json', JSON.stringify({ status: 'error', message: 'Not found', code: 'NOT_FOUND' }));
  expect(await client.call('v1User').catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'Not found' });
});

test('hostile server: HTML, garbage, a 500 page, a JSON that is no error, control characters — one clear line, never the body', async () => {
  const client = new AgentryClient({ url, apiKey: 'k' });
  const cases: [Handler, RegExp][] = [
    [
      answer(502, 'text/html', '<!DOCTYPE html><html><body>Bad gateway<script>alert(1)</script></body></html>'),
      /^the server answered 502 .* with an HTML page, not Agentry's API/,
    ],
    [
      answer(500, 'text/plain', '\u0000\u001b[31mGARBAGE\u0007'),
      /^the server answered 500 Internal Server Error with text\/plain \(\d+ bytes\), not Agentry's API/,
    ],
    [answer(200, 'text/html', '<html>login portal</html>'), /an HTML page where JSON was expected/],
    [answer(200, 'application/json', '{"trunc'), /invalid JSON/],
    [answer(500, 'application/json', '[1,2,3]'), /without an Agentry error/],
    [(_req, res) => res.destroy(), /^cannot reach http:\/\/127\.0\.0\.1:\d+/],
  ];
  for (const [h, expected] of cases) {
    handler = h;
    const error = await client.agents.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect([AgentryResponseError, AgentryConnectionError].some((t) => error instanceof t)).toBe(true);
    expect((error as Error).message).toMatch(expected);
    // eslint-disable-next-line no-control-regex
    expect((error as Error).message).not.toMatch(/[\u0000-\u001f\n]|<script|GARBAGE|login portal/);
  }
  handler = answer(400, 'application/json', JSON.stringify({ status: 'error', error: 'X', message: 'line one\nline two\u001b[2J' + 'y'.repeat(1000) }));
  const long = (await client.agents.list().catch((e: unknown) => e)) as Error;
  // eslint-disable-next-line no-control-regex
  expect(long.message).not.toMatch(/[\u0000-\u001f]/);
  expect(long.message.length).toBeLessThanOrEqual(300);
});

test('a URL that is not http(s) is refused before anything is sent', () => {
  expect(() => new AgentryClient({ url: 'file:///etc/passwd' })).toThrow(AgentryConnectionError);
  expect(() => new AgentryClient({ url: 'not a url' })).toThrow(/not a URL/);
});

test('follow reads the live console of a launch: container id and phases, output pieces, the end', async () => {
  handler = (req, res) => {
    expect(req.url).toBe('/api/v1/agent/5/launch?output=event-stream');
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.write(': container 42 in queue\n\n');
    res.write(': container 42 still running\n\nid: 6\ndata: hello\ndata: \n\n');
    res.end('id: 9\ndata: 50%\n\n: container 42 ended\n\n');
  };
  const events = [];
  for await (const event of new AgentryClient({ url, apiKey: 'k' }).follow('5')) events.push(event);
  expect(events).toEqual([
    { kind: 'queued', containerId: '42' },
    { kind: 'running', containerId: '42' },
    { kind: 'output', text: 'hello', newline: true, position: 6 },
    { kind: 'output', text: '50%', newline: false, position: 9 },
    { kind: 'ended', containerId: '42' },
  ]);
});
