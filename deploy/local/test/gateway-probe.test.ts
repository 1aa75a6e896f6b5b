import { probeApiKey, waitForHealth, waitForRegistry } from '../lib/gateway-probe.mjs';
import { fakeHttp } from './fake-http.js';

test('waitForHealth answers true once /health answers 200', async () => {
  let healthChecks = 0;
  const server = await fakeHttp((req) => (req.url === '/health' && ++healthChecks >= 3 ? { status: 200 } : { status: 503 }));
  try {
    expect(await waitForHealth(server.url, { timeoutMs: 30_000 })).toBe(true);
    expect(healthChecks).toBe(3);
  } finally {
    await server.close();
  }
});

test('waitForHealth answers false when nothing listens before the deadline', async () => {
  const server = await fakeHttp(() => ({ status: 200 }));
  await server.close();
  expect(await waitForHealth(server.url, { timeoutMs: 300 })).toBe(false);
});

test('waitForHealth ends with the abort reason when shutdown begins', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stopping'));
  await expect(waitForHealth('http://127.0.0.1:9', { timeoutMs: 30_000, signal: controller.signal })).rejects.toThrow('stopping');
});

test('probeApiKey: accepted once user.json answers 200 for the key, after refusals and errors', async () => {
  const statuses = [503, 401, 200];
  const server = await fakeHttp((req) => ({ status: req.headers['x-phantombuster-key-1'] === 'agt_key' ? (statuses.shift() ?? 200) : 400 }));
  try {
    expect(await probeApiKey(server.url, 'agt_key', { rejectAfterMs: 30_000 })).toBe('accepted');
    expect(server.requests.map((r) => r.url)).toEqual(['/api/v1/user.json', '/api/v1/user.json', '/api/v1/user.json']);
  } finally {
    await server.close();
  }
});

test('probeApiKey: rejected when the key keeps being refused; unknown when there is no verdict', async () => {
  const refusing = await fakeHttp(() => ({ status: 401 }));
  const failing = await fakeHttp(() => ({ status: 502 }));
  try {
    expect(await probeApiKey(refusing.url, 'agt_key', { rejectAfterMs: 200, timeoutMs: 30_000 })).toBe('rejected');
    expect(await probeApiKey(failing.url, 'agt_key', { rejectAfterMs: 200, timeoutMs: 300 })).toBe('unknown');
  } finally {
    await Promise.all([refusing.close(), failing.close()]);
  }
});

test('waitForRegistry: true once an unknown key answers 401 (the registry replied), not 503', async () => {
  const statuses = [503, 503, 401];
  const server = await fakeHttp((req) => ({
    status: req.url === '/api/v1/user.json' && req.headers['x-phantombuster-key-1'] ? (statuses.shift() ?? 401) : 400,
  }));
  try {
    expect(await waitForRegistry(server.url, { timeoutMs: 30_000 })).toBe(true);
    expect(server.requests).toHaveLength(3);
  } finally {
    await server.close();
  }
});
