import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type RunningServer } from '@agentry/local-servers';
import { waitUntil } from '@agentry/testing';
import { startGateway, type RunningGateway } from '../gateway-app.js';

/** Every request needs NATS: with nats-server gone the gateway is alive but not ready (503), and ready again by itself. */

let storeDir: string;
let port: number;
let nats: RunningServer | undefined;
let gateway: RunningGateway;
let healthUrl: string;

beforeAll(async () => {
  storeDir = await mkdtemp(join(tmpdir(), 'agentry-gateway-health-'));
  port = await freePort();
  nats = await startNatsServer({ port, storeDir });
  const healthPort = await freePort();
  healthUrl = `http://127.0.0.1:${healthPort}`;
  gateway = await startGateway({
    natsUrl: nats.url,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'error',
    observability: { logFormat: 'json', healthPort, healthHost: '127.0.0.1' },
  });
});
afterAll(async () => {
  await gateway?.close();
  await nats?.stop();
  await rm(storeDir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(gateway.url + path);
  return { status: res.status, body: await res.json() };
};

test('nats-server killed: /readyz and /health answer 503 naming nats, /livez 200; back up, ready again', async () => {
  expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ok', checks: { nats: { ok: true } } } });
  expect((await get('/health')).status).toBe(200);

  await nats!.stop();
  nats = undefined;
  const down = await get('/readyz');
  expect(down.status).toBe(503);
  expect(down.body).toEqual({ status: 'fail', checks: { nats: { ok: false, error: expect.any(String) } } });
  expect((await get('/health')).status).toBe(503);
  expect(await get('/livez')).toMatchObject({ status: 200, body: { status: 'ok' } });

  nats = await startNatsServer({ port, storeDir });
  await waitUntil(async () => (await get('/readyz')).status === 200, { timeoutMs: 20_000, message: 'the gateway never became ready again' });
});

test('/metrics on the health port only: request latency by route pattern and status, unknown paths as one label', async () => {
  await fetch(gateway.url + '/livez');
  await fetch(gateway.url + '/no/such/path/123');
  await fetch(gateway.url + '/no/such/path/456');
  expect((await fetch(gateway.url + '/metrics')).status).toBe(404);
  const text = await (await fetch(healthUrl + '/metrics')).text();
  expect(text).toMatch(/^agentry_http_request_duration_seconds_count\{method="GET",route="\/livez",status="200"\} [1-9]\d*$/m);
  expect(text).toMatch(/^agentry_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]\d*$/m);
  expect(text).not.toContain('/no/such/path');
  expect((await fetch(healthUrl + '/readyz')).status).toBe(200);
});
