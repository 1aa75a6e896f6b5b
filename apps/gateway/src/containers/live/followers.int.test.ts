import { connect } from 'node:net';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import { executionApi, type ExecutionApi } from '../execution-test-kit.js';
import { LiveOutput } from './live-output.service.js';

/**
 * Many clients following live output on one gateway (issue 14, fan-out): followers of a container share
 * one NATS subscription and each still gets every byte once; a client that stops reading holds back
 * nobody; no org follows another's container.
 */

/** `<marker> <i>` lines, one every 20 ms, 150 of them (3 s: long enough for every follower to join). */
const linesOf = (marker: string) => `
let i = 0;
const timer = setInterval(() => {
  i += 1;
  console.log('${marker} ' + i);
  if (i === 150) clearInterval(timer);
}, 20);
`;
const FOLLOWERS = 20;
/** This replica's limits, small enough to reach in a test. */
const PER_ORG = 25;
const STALLED_MS = 500;

let platform: TestPlatform;
let orgA: ExecutionApi;
let orgB: ExecutionApi;

beforeAll(async () => {
  platform = await startPlatform({ execution: true, edge: { liveFollowersPerOrg: PER_ORG, streamStalledClientMs: STALLED_MS } });
  orgA = executionApi(platform, (await platform.newOrg()).key);
  orgB = executionApi(platform, (await platform.newOrg()).key);
});
afterAll(async () => {
  await platform?.close();
});

/** `containers/attach` with headers received: the follower is on the gateway's hub from then on. */
async function attach(api: ExecutionApi, containerId: number): Promise<{ status: number; text: Promise<string> }> {
  const res = await fetch(`${platform.baseUrl}/api/v2/containers/attach?id=${containerId}`, { headers: { 'X-Phantombuster-Key-1': api.key } });
  return { status: res.status, text: res.text() };
}

test('twenty followers of one container share one NATS subscription, and each gets every byte of the output once', async () => {
  const live = platform.gateway.app.get(LiveOutput);
  const agent = await orgA.agent('shared_follow', linesOf('shared'));
  const containerId = await orgA.launch(agent);
  await orgA.running(containerId);
  const followers = await Promise.all(Array.from({ length: FOLLOWERS }, () => attach(orgA, containerId)));
  expect(followers.map((f) => f.status)).toEqual(Array(FOLLOWERS).fill(200));
  // All twenty are open now (the container prints for 3 s): one subscription, not twenty.
  expect(live.liveSubscriptions).toBe(1);

  const texts = await Promise.all(followers.map((f) => f.text));
  const stored = await orgA.storedOutput(containerId);
  expect(stored).toContain('shared 150\n');
  for (const text of texts) expect(text).toBe(stored);
  // The last follower gone, so is the subscription.
  await waitUntil(async () => live.liveSubscriptions === 0, { timeoutMs: 5_000, message: 'the hub to close' });
});

test('a follower whose client stops reading holds back no other follower, and is cut off mid-output after STREAM_STALLED_CLIENT_MS', async () => {
  // 4 MiB at once: far more than a paused socket's buffers, then the container lingers and ends.
  const agent = await orgA.agent('flood_follow', `process.stdout.write('y'.repeat(4 * 1024 * 1024) + '\\n'); setTimeout(() => console.log('done'), 1500);`);
  const containerId = await orgA.launch(agent);
  const { port } = new URL(platform.baseUrl);
  const stalled = connect(Number(port), '127.0.0.1');
  stalled.on('error', () => undefined);
  stalled.write(`GET /api/v2/containers/attach?id=${containerId} HTTP/1.1\r\nHost: localhost\r\nX-Phantombuster-Key-1: ${orgA.key}\r\n\r\n`);
  stalled.pause(); // never reads

  const reader = await attach(orgA, containerId);
  const text = await reader.text;
  expect(text).toBe(await orgA.storedOutput(containerId));
  expect(text.endsWith('done\n')).toBe(true);

  // Reading at last, the stalled client finds its response cut short: the gateway gave up on it.
  let received = '';
  stalled.setEncoding('latin1');
  stalled.on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
  stalled.resume();
  await closed;
  expect(received.startsWith('HTTP/1.1 200')).toBe(true);
  expect(received.length).toBeLessThan(text.length);
  expect(received).not.toContain('done\n');
});

test('an org past LIVE_FOLLOWERS_PER_ORG gets a 429 naming the limit; other orgs are not held to it, and a closed stream frees its place', async () => {
  const agent = await orgA.agent('limit_follow', linesOf('limited'));
  const containerId = await orgA.launch(agent);
  await orgA.running(containerId);
  const aborts = Array.from({ length: PER_ORG }, () => new AbortController());
  const opened = await Promise.all(
    aborts.map((abort) =>
      fetch(`${platform.baseUrl}/api/v2/containers/attach?id=${containerId}`, { headers: { 'X-Phantombuster-Key-1': orgA.key }, signal: abort.signal }),
    ),
  );
  expect(opened.map((r) => r.status)).toEqual(Array(PER_ORG).fill(200));

  const refused = await fetch(`${platform.baseUrl}/api/v2/containers/attach?id=${containerId}`, { headers: { 'X-Phantombuster-Key-1': orgA.key } });
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBeTruthy();
  expect((await refused.json()).message).toContain('LIVE_FOLLOWERS_PER_ORG');
  // A streaming launch counts too, and is refused before anything is launched.
  const before = (await platform.request('GET', `/api/v2/containers/fetch-all?agentId=${agent}`, { key: orgA.key })).body.containers.length;
  expect((await orgA.stream(agent, 'output=event-stream')).status).toBe(429);
  expect((await platform.request('GET', `/api/v2/containers/fetch-all?agentId=${agent}`, { key: orgA.key })).body.containers.length).toBe(before);

  const otherAgent = await orgB.agent('limit_follow', linesOf('other-org'));
  const otherOrg = await orgB.sse(otherAgent);
  expect(otherOrg.status).toBe(200);

  aborts[0]!.abort();
  await waitUntil(
    async () => {
      const res = await fetch(`${platform.baseUrl}/api/v2/containers/attach?id=${containerId}`, { headers: { 'X-Phantombuster-Key-1': orgA.key } });
      await res.body?.cancel();
      return res.status === 200;
    },
    { timeoutMs: 10_000, message: 'a place to free up' },
  );
  for (const abort of aborts) abort.abort();
});

test("no org follows another's container: another org's attach is a 404 and its same idempotency key is its own container", async () => {
  const agentA = await orgA.agent('private_follow', linesOf('secret-of-a'));
  const containerA = await orgA.launch(agentA, 'idempotencyKey=same-key');
  await orgA.running(containerA);

  const intruder = await fetch(`${platform.baseUrl}/api/v2/containers/attach?id=${containerA}`, { headers: { 'X-Phantombuster-Key-1': orgB.key } });
  expect(intruder.status).toBe(404);
  expect(await intruder.text()).not.toContain('secret-of-a');

  // Org B resuming "the same" event stream (same key, Last-Event-ID 0) launches and follows its own agent's container.
  const agentB = await orgB.agent('private_follow', linesOf('own-of-b'));
  const [followerA, resumedB] = await Promise.all([attach(orgA, containerA), orgB.sse(agentB, 'idempotencyKey=same-key', { 'Last-Event-ID': '0' })]);
  expect(resumedB.status).toBe(200);
  expect(resumedB.text).toContain('own-of-b 150');
  expect(resumedB.text).not.toContain('secret-of-a');
  const textA = await followerA.text;
  expect(textA).toContain('secret-of-a 150\n');
  expect(textA).not.toContain('own-of-b');
});
