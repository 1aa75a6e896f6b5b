import { startGateway, type RunningGateway } from '../gateway-app.js';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

/**
 * A client guessing keys, and a key used too fast: 429 with Retry-After in every API generation's
 * shape. The platform's gateway trusts X-Forwarded-For from loopback (TRUST_PROXY=127.0.0.1), so
 * the test plays several client addresses; a second gateway with the default (no proxy trusted)
 * shows a client can't buy fresh budgets by forging that header.
 */

const FAILURES = 5;
const PER_KEY = 8;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startPlatform({
    edge: { authFailureLimit: FAILURES, authFailureWindowSeconds: 600, keyRateLimit: PER_KEY, keyRateWindowSeconds: 600, trustProxy: ['127.0.0.1'] },
  });
});
afterAll(async () => {
  await platform?.close();
});

const from = (address: string, key?: string) => ({ key, headers: { 'X-Forwarded-For': address } });
const WRONG = 'wrong_key_0000000000';

function expectRateLimited(res: { status: number; headers: Headers }) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('failed authentication per client address', () => {
  test(`after ${FAILURES} wrong keys the address gets 429 with Retry-After, in the v1, v2 and the agents API shapes`, async () => {
    for (let i = 0; i < FAILURES; i++) expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.1', WRONG))).status).toBe(401);
    const v1 = await platform.request('GET', '/api/v1/scripts.json', from('198.51.100.1', WRONG));
    expectRateLimited(v1);
    expect(v1.body).toMatchObject({ status: 'error', code: 'RATE_LIMITED', message: expect.stringContaining('failed API key checks') });
    const v2 = await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.1', WRONG));
    expectRateLimited(v2);
    expect(v2.body).toMatchObject({ status: 'error', error: 'RATE_LIMITED' });
    const external = await platform.request('POST', '/v1/agents', { ...from('198.51.100.1', WRONG), json: {} });
    expectRateLimited(external);
    expect(external.body).toEqual({ error: expect.stringContaining('failed API key checks') });
  });

  test('while blocked, the correct key from that address answers 429 too (a guesser learns nothing); other addresses are unaffected', async () => {
    for (let i = 0; i < FAILURES; i++) await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.2', WRONG));
    expectRateLimited(await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.2', platform.adminKey)));
    expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.3', platform.adminKey))).status).toBe(200);
  });

  test('requests without any key are not guesses and are not counted', async () => {
    for (let i = 0; i < FAILURES * 2; i++) expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.4'))).status).toBe(401);
    expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.4', platform.adminKey))).status).toBe(200);
  });

  test('an IPv6 client is counted by its /64: rotating the interface id buys no fresh budget', async () => {
    for (let i = 0; i < FAILURES; i++) await platform.request('GET', '/api/v2/agents/fetch-all', from(`2001:db8:7:7::${i + 1}`, WRONG));
    expectRateLimited(await platform.request('GET', '/api/v2/agents/fetch-all', from('2001:db8:7:7:dead:beef:0:1', WRONG)));
    expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('2001:db8:7:8::1', platform.adminKey))).status).toBe(200);
  });

  describe('behind no trusted proxy (the default)', () => {
    let direct: RunningGateway;
    beforeAll(async () => {
      // A day's window (a token back every 72 min): with the default 60 s one, a token comes back every
      // 3 s, and 300 requests on a loaded machine take longer than that, so a refilled budget let a
      // 401 through mid-run — rightly, but not what this test is about (forging buys nothing).
      direct = await startGateway({
        natsUrl: platform.natsUrl,
        port: 0,
        host: '127.0.0.1',
        logLevel: 'error',
        edge: { authFailureLimit: 20, authFailureWindowSeconds: 86_400 },
      });
    });
    afterAll(async () => {
      await direct?.close();
    });

    test('300 wrong keys with a forged X-Forwarded-For each: 20 × 401, then 429 for the rest', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) {
        const res = await fetch(`${direct.url}/api/v2/agents/fetch-all`, {
          headers: { 'X-Phantombuster-Key-1': `${WRONG}${i}`, 'X-Forwarded-For': `203.0.113.${i % 250}` },
        });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(statuses.slice(20)).toEqual(Array(280).fill(429));
    });
  });
});

describe('requests per key', () => {
  test(`a key's request number ${PER_KEY + 1} in the window answers 429 with Retry-After (v1, v2, the agents API); another key is unaffected`, async () => {
    const { key } = await platform.newOrg({ name: 'busy' });
    for (let i = 0; i < PER_KEY; i++) expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.20', key))).status).toBe(200);
    const v2 = await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.20', key));
    expectRateLimited(v2);
    expect(v2.body).toMatchObject({ status: 'error', error: 'RATE_LIMITED', message: expect.stringContaining('this API key') });
    // The limit follows the key, not the address.
    const v1 = await platform.request('GET', '/api/v1/scripts.json', from('198.51.100.21', key));
    expectRateLimited(v1);
    expect(v1.body).toMatchObject({ status: 'error', code: 'RATE_LIMITED' });
    const external = await platform.request('POST', '/v1/agents', { ...from('198.51.100.22', key), json: {} });
    expectRateLimited(external);
    expect(external.body).toEqual({ error: expect.stringContaining('this API key') });

    const other = await platform.newOrg({ name: 'calm' });
    expect((await platform.request('GET', '/api/v2/agents/fetch-all', from('198.51.100.20', other.key))).status).toBe(200);
  });
});
