import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.close();
});

const v1 = '/api/v1/scripts.json';
const v2 = '/api/v2/agents/fetch-all';

test('unknown routes answer 404 in their generation shape', async () => {
  const a = await platform.request('GET', '/api/v1/nothing-here.json', { key: platform.adminKey });
  expect(a.status).toBe(404);
  expect(a.body).toMatchObject({ status: 'error', code: 'NOT_FOUND' });
  const b = await platform.request('GET', '/api/v2/nothing-here', { key: platform.adminKey });
  expect(b.status).toBe(404);
  expect(b.body).toMatchObject({ status: 'error', error: 'NOT_FOUND' });
});

test('a missing or wrong key answers 401, never data', async () => {
  const missing = await platform.request('GET', v1);
  expect(missing.status).toBe(401);
  expect(missing.body).toMatchObject({ status: 'error', code: 'UNAUTHENTICATED' });
  const wrong = await platform.request('GET', v2, { key: 'not-a-real-key' });
  expect(wrong.status).toBe(401);
  expect(wrong.body).toMatchObject({ status: 'error', error: 'UNAUTHENTICATED' });
});

test('malformed JSON answers 400 and an oversized body 413, in the generation shape, without a stack', async () => {
  const headers = { 'content-type': 'application/json', 'X-Phantombuster-Key-1': platform.adminKey };
  const malformed = await fetch(platform.baseUrl + '/api/v2/agents/save', { method: 'POST', headers, body: '{"name": ' });
  expect(malformed.status).toBe(400);
  const body = await malformed.json();
  expect(body).toMatchObject({ status: 'error', error: 'VALIDATION_FAILED' });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);

  const huge = await fetch(platform.baseUrl + '/api/v1/script/big.js', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Phantombuster-Key-1': platform.adminKey },
    body: 'text=' + 'a'.repeat(2 * 1024 * 1024),
  });
  expect(huge.status).toBe(413);
  expect(await huge.json()).toMatchObject({ status: 'error', message: 'Request body is too large' });
});

test('health needs no key', async () => {
  const res = await platform.request('GET', '/health');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'ok' });
});
