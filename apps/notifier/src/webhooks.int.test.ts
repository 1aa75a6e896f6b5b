import { jest } from '@jest/globals';
import { randomBytes, webcrypto } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { testNotifierConfig } from './testing/notifier-config.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';
import { Receiver, type Received } from './testing/receiver.js';
import { attemptDelivery } from './webhooks/delivery-worker.js';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.js';

jest.setTimeout(120_000);

/**
 * The Standard Webhooks check written independently of the notifier (WebCrypto, not node:crypto's HMAC):
 * the org's secret derived from the master key as docs/api/webhooks.md states, then the signature over
 * `id.timestamp.body` compared.
 */
async function verifyStandardWebhook(masterKey: Buffer, orgId: string, r: Received): Promise<boolean> {
  const subtle = webcrypto.subtle;
  const ikm = await subtle.importKey('raw', masterKey, 'HKDF', false, ['deriveBits']);
  const enc = new TextEncoder();
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: enc.encode('agentry-webhooks-v1'), info: enc.encode(`org:${orgId}`) }, ikm, 256);
  const key = await subtle.importKey('raw', bits, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const id = String(r.headers['webhook-id']);
  const timestamp = String(r.headers['webhook-timestamp']);
  const signatures = String(r.headers['webhook-signature']).split(' ');
  for (const sig of signatures) {
    const [version, b64] = sig.split(',');
    if (version !== 'v1' || !b64) continue;
    if (await subtle.verify('HMAC', key, Buffer.from(b64, 'base64'), enc.encode(`${id}.${timestamp}.${r.body}`))) return true;
  }
  return false;
}

let platform: TestPlatform;
let notifier: RunningNotifier;
let receiver: Receiver;
let pool: pg.Pool;
let org: { orgId: string; key: string };
const masterKey = randomBytes(32);
const fastRetries = {
  NOTIFIER_WEBHOOK_RETRY_BASE_MS: '50',
  NOTIFIER_WEBHOOK_MAX_RETRY_DELAY_MS: '200',
  NOTIFIER_POLL_MS: '20',
  NOTIFIER_WEBHOOK_TIMEOUT_MS: '5000',
};
const notifierConfig = (env: Record<string, string>) => testNotifierConfig(platform, { AGENTRY_SECRET_KEY: masterKey.toString('hex'), ...fastRetries, ...env });

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  receiver = new Receiver();
  await receiver.listen();
  pool = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
  // The receivers are on 127.0.0.1: the operator's setting that allows private destinations.
  notifier = await startNotifier(notifierConfig({ NOTIFIER_PRIVATE_DESTINATIONS: 'allow' }));
  org = await platform.newOrg();
});
afterAll(async () => {
  await notifier?.close();
  await receiver?.close();
  await pool?.end();
  await platform?.close();
});

async function agentWithWebhook(name: string, webhook: string, code: string): Promise<number> {
  const script = await platform.request('POST', `/api/v1/script/${name}.js`, { key: org.key, form: { text: code } });
  expect(script.status).toBe(200);
  const saved = await platform.request('POST', '/api/v2/agents/save', { key: org.key, json: { name, scriptId: script.body.data, notifications: { webhook } } });
  expect(saved.status).toBe(200);
  return Number(saved.body.id);
}

async function launch(agentId: number): Promise<string> {
  const res = await platform.request('POST', '/api/v2/agents/launch', { key: org.key, json: { id: String(agentId) } });
  expect(res.status).toBe(200);
  return String(res.body.containerId);
}

const deliveryOf = async (webhookId: string) =>
  (await pool.query(`SELECT id, state, attempts FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).rows[0] as {
    id: string;
    state: string;
    attempts: number;
  };
const attemptsOf = async (deliveryId: string) =>
  (
    await pool.query(`SELECT attempt, status_code, latency_ms, response_excerpt FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`, [
      deliveryId,
    ])
  ).rows as { attempt: number; status_code: number | null; latency_ms: number; response_excerpt: string | null }[];

test('a run ends → its notifications.webhook gets the end-of-run POST, signed per Standard Webhooks with the org secret', async () => {
  const agentId = await agentWithWebhook(
    'hooked',
    receiver.url('/ends'),
    `const buster = require('phantombuster').create(); buster.setResultObject({ rows: 3 }, (err) => process.exit(err ? 2 : 0));`,
  );
  const containerId = await launch(agentId);
  await waitUntil(async () => receiver.at('/ends').length === 1, { timeoutMs: 30_000 });

  const [got] = receiver.at('/ends');
  expect(got!.headers['content-type']).toBe('application/json');
  expect(got!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
  expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(600);
  expect(await verifyStandardWebhook(masterKey, org.orgId, got!)).toBe(true);
  // Control: the same check fails for a tampered body and for another org's secret.
  const tampered = got!.body.replace('"exitCode":0', '"exitCode":1');
  expect(tampered).not.toBe(got!.body);
  expect(await verifyStandardWebhook(masterKey, org.orgId, { ...got!, body: tampered })).toBe(false);
  expect(await verifyStandardWebhook(masterKey, String(Number(org.orgId) + 1), got!)).toBe(false);

  const payload = JSON.parse(got!.body);
  expect(payload).toMatchObject({
    agentId: String(agentId),
    agentName: 'hooked',
    containerId,
    exitCode: 0,
    exitMessage: 'finished',
    launchType: 'user api call',
    resultObject: JSON.stringify({ rows: 3 }),
  });
  expect(payload.runDuration).toEqual(expect.any(Number));
  expect(payload.launchDuration).toEqual(expect.any(Number));

  const delivery = await deliveryOf(String(got!.headers['webhook-id']));
  expect(delivery).toMatchObject({ state: 'delivered', attempts: 1 });
  expect(await attemptsOf(delivery.id)).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, response_excerpt: 'thanks' })]);
});

const signingSecretOf = (key?: string) => platform.request('GET', '/api/agentry/v1/webhooks/agent-signing-secret', { key });

test("GET …/agent-signing-secret answers an org admin the secret that signs its agents' webhooks: a real delivery verifies with it (standardwebhooks)", async () => {
  const answered = await signingSecretOf(org.key);
  expect(answered.status).toBe(200);
  const { secret } = answered.body as { secret: string };
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

  const agentId = await agentWithWebhook('verified-by-api-secret', receiver.url('/api-secret'), 'process.exit(0)');
  await launch(agentId);
  await waitUntil(async () => receiver.at('/api-secret').length === 1, { timeoutMs: 30_000 });
  const [got] = receiver.at('/api-secret');
  const headers = {
    'webhook-id': String(got!.headers['webhook-id']),
    'webhook-timestamp': String(got!.headers['webhook-timestamp']),
    'webhook-signature': String(got!.headers['webhook-signature']),
  };
  expect(new Webhook(secret).verify(got!.body, headers)).toMatchObject({ agentId: String(agentId) });
  // Control: another org's answered secret does not verify this org's delivery.
  const other = await platform.newOrg();
  const theirs = await signingSecretOf(other.key);
  expect(theirs.status).toBe(200);
  expect(theirs.body.secret).not.toBe(secret);
  expect(() => new Webhook(theirs.body.secret).verify(got!.body, headers)).toThrow();
});

test("agent-signing-secret: the org is the key's only (an orgId parameter is ignored); no key → 401; a key without org:admin → 403", async () => {
  const other = await platform.newOrg();
  const own = await signingSecretOf(other.key);
  expect(own.status).toBe(200);
  // Hostile: the other org's admin names this org in the query string and the body: still its own secret.
  const named = await platform.request('GET', `/api/agentry/v1/webhooks/agent-signing-secret?orgId=${org.orgId}`, {
    key: other.key,
    headers: { 'x-org-id': org.orgId },
  });
  expect(named.status).toBe(200);
  expect(named.body.secret).toBe(own.body.secret);
  expect(named.body.secret).not.toBe((await signingSecretOf(org.key)).body.secret);

  const none = await signingSecretOf(undefined);
  expect(none.status).toBe(401);
  expect(none.text).not.toContain('whsec_');
  const key = await platform.request('POST', '/api/v2/org/api-keys', {
    key: org.key,
    json: { name: 'reader', roles: ['org:read', 'org:manage_agents:launch'] },
  });
  expect(key.status).toBe(200);
  const limited = await signingSecretOf(String(key.body.apiKey ?? key.body.key));
  expect(limited.status).toBe(403);
  expect(limited.text).not.toContain('whsec_');
});

test('a receiver answering 500 twice then 200 gets the delivery three times under one webhook-id; each attempt is logged', async () => {
  receiver.answer('/flaky', [500, 500, 200]);
  const agentId = await agentWithWebhook('flaky-receiver', receiver.url('/flaky'), `process.exit(3)`);
  await launch(agentId);
  await waitUntil(async () => receiver.at('/flaky').length === 3, { timeoutMs: 30_000 });

  const ids = receiver.at('/flaky').map((r) => r.headers['webhook-id']);
  expect(new Set(ids).size).toBe(1);
  for (const r of receiver.at('/flaky')) expect(await verifyStandardWebhook(masterKey, org.orgId, r)).toBe(true);
  expect(JSON.parse(receiver.at('/flaky')[0]!.body)).toMatchObject({ exitCode: 3 });

  const delivery = await deliveryOf(String(ids[0]));
  await waitUntil(async () => (await deliveryOf(String(ids[0]))).state === 'delivered');
  expect(await deliveryOf(String(ids[0]))).toMatchObject({ state: 'delivered', attempts: 3 });
  expect((await attemptsOf(delivery.id)).map((a) => [a.attempt, a.status_code, a.response_excerpt])).toEqual([
    [1, 500, 'receiver is down'],
    [2, 500, 'receiver is down'],
    [3, 200, 'thanks'],
  ]);
});

test('an agent whose version sets no webhook gets no delivery (ends are handled in log order: a later hooked end is the barrier)', async () => {
  const script = await platform.request('POST', `/api/v1/script/quiet.js`, { key: org.key, form: { text: 'process.exit(0)' } });
  const saved = await platform.request('POST', '/api/v2/agents/save', { key: org.key, json: { name: 'quiet', scriptId: script.body.data } });
  const quietContainer = await launch(Number(saved.body.id));
  await waitUntil(async () => (await platform.request('GET', `/api/v2/containers/fetch?id=${quietContainer}`, { key: org.key })).body?.status === 'finished', {
    timeoutMs: 30_000,
  });
  const barrier = await agentWithWebhook('barrier', receiver.url('/barrier'), 'process.exit(0)');
  await launch(barrier);
  await waitUntil(async () => receiver.at('/barrier').length === 1, { timeoutMs: 30_000 });
  const rows = await pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE container_id = $1`, [Number(quietContainer)]);
  expect(rows.rows[0].n).toBe(0);
});

test('nothing is lost across notifier restarts: an end while it is down is delivered, and a pending retry survives the next restart', async () => {
  receiver.answer('/restart', [500, 200]);
  const agentId = await agentWithWebhook('across-restarts', receiver.url('/restart'), `process.exit(0)`);
  await notifier.close();
  const containerId = await launch(agentId);
  await waitUntil(async () => (await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key: org.key })).body?.status === 'finished', {
    timeoutMs: 30_000,
  });

  // Back after the end: the durable consumer hands it over; the first attempt fails and its retry is an hour away.
  notifier = await startNotifier(notifierConfig({ NOTIFIER_PRIVATE_DESTINATIONS: 'allow', NOTIFIER_WEBHOOK_RETRY_BASE_MS: '3600000' }));
  await waitUntil(async () => receiver.at('/restart').length === 1, { timeoutMs: 30_000 });
  const webhookId = String(receiver.at('/restart')[0]!.headers['webhook-id']);
  await waitUntil(async () => (await deliveryOf(webhookId))?.attempts === 1);
  await notifier.close();

  // The retry's due time is in Postgres: move it to now (as the hour passing would) and start a fresh notifier.
  await pool.query(`UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE webhook_id = $1`, [webhookId]);
  notifier = await startNotifier(notifierConfig({ NOTIFIER_PRIVATE_DESTINATIONS: 'allow' }));
  await waitUntil(async () => (await deliveryOf(webhookId)).state === 'delivered', { timeoutMs: 30_000 });
  expect(receiver.at('/restart').map((r) => r.headers['webhook-id'])).toEqual([webhookId, webhookId]);
  expect((await attemptsOf((await deliveryOf(webhookId)).id)).map((a) => a.status_code)).toEqual([500, 200]);
});

describe('private destinations', () => {
  const deliveries = () => new WebhookDeliveries(notifier.dataSource);
  /** A delivery row the running notifier's worker leaves alone (due in an hour), attempted here by hand. */
  async function enqueue(url: string) {
    const webhookId = `msg_test_${randomBytes(8).toString('hex')}`;
    await deliveries().enqueue(
      { webhookId, eventId: webcrypto.randomUUID(), orgId: Number(org.orgId), agentId: 1, containerId: 1, url, body: '{}' },
      Date.now() + 3_600_000,
    );
    const row = await deliveryOf(webhookId);
    return { webhookId, due: { id: Number(row.id), webhookId, orgId: Number(org.orgId), url, body: '{}', attempts: 0 } };
  }
  const config = (privateDestinations: 'refuse' | 'allow') => ({ ...notifierConfig({}).webhooks, privateDestinations });

  test('a loopback receiver is refused when the operator has not allowed private destinations: no connection is made (control: allowed, it is)', async () => {
    const before = receiver.connections;
    const refused = await enqueue(receiver.url('/private'));
    await attemptDelivery({ deliveries: deliveries(), secretKey: masterKey, config: config('refuse') }, refused.due);
    expect(receiver.connections).toBe(before);
    expect(receiver.at('/private')).toEqual([]);
    const row = await deliveryOf(refused.webhookId);
    expect(row).toMatchObject({ state: 'refused', attempts: 1 });

    const allowed = await enqueue(receiver.url('/private'));
    await attemptDelivery({ deliveries: deliveries(), secretKey: masterKey, config: config('allow') }, allowed.due);
    expect(receiver.at('/private')).toHaveLength(1);
    expect(await deliveryOf(allowed.webhookId)).toMatchObject({ state: 'delivered' });
  });

  test('10.255.255.1 and a name resolving to a private address among public ones are refused before any connection', async () => {
    const refused = await enqueue('http://10.255.255.1/hook');
    await attemptDelivery({ deliveries: deliveries(), secretKey: masterKey, config: config('refuse') }, refused.due);
    expect(await deliveryOf(refused.webhookId)).toMatchObject({ state: 'refused' });
    const [attempt] = await attemptsOf((await deliveryOf(refused.webhookId)).id);
    expect(attempt).toMatchObject({ status_code: null, latency_ms: 0 });

    // The name's addresses come from a resolver the test controls (documentation and private ranges; no lookup leaves the machine).
    const rebinding = await enqueue('http://hooks.example.test/hook');
    const resolve = async () => [
      { address: '203.0.113.7', family: 4 },
      { address: '192.168.1.20', family: 4 },
    ];
    await attemptDelivery({ deliveries: deliveries(), secretKey: masterKey, config: config('refuse'), resolve }, rebinding.due);
    expect(await deliveryOf(rebinding.webhookId)).toMatchObject({ state: 'refused' });
  });

  test('a receiver that never answers costs one bounded attempt, and a huge answer only its first KiB in the log', async () => {
    const hanging = await enqueue(receiver.url('/hang'));
    await attemptDelivery({ deliveries: deliveries(), secretKey: masterKey, config: { ...config('allow'), timeoutMs: 300 } }, hanging.due);
    expect(receiver.at('/hang')).toHaveLength(1);
    const hung = await deliveryOf(hanging.webhookId);
    expect(hung).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await pool.query(`SELECT error FROM webhook_delivery_attempts WHERE delivery_id = $1`, [hung.id])).rows[0].error).toBe('timed out after 300 ms');

    const huge = await enqueue(receiver.url('/huge'));
    await attemptDelivery({ deliveries: deliveries(), secretKey: masterKey, config: config('allow') }, huge.due);
    const [attempt] = await attemptsOf((await deliveryOf(huge.webhookId)).id);
    expect(attempt).toMatchObject({ status_code: 500 });
    expect(attempt!.response_excerpt).toBe('x'.repeat(1024));
  });
});
