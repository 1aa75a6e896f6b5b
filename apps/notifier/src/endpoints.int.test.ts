import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import { mailThrough, testNotifierConfig } from './testing/notifier-config.js';
import { EndpointsService } from './endpoints/endpoints.service.js';
import { WebhookEndpoints } from './endpoints/webhook-endpoints.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';
import { Receiver, type Received } from './testing/receiver.js';
import { startSmtpSink } from './testing/smtp-sink.js';
import { attemptDelivery } from './webhooks/delivery-worker.js';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.js';

jest.setTimeout(120_000);

let platform: TestPlatform;
let notifier: RunningNotifier;
let receiver: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let pool: pg.Pool;
let org: { orgId: string; key: string };
let other: { orgId: string; key: string };
const masterKey = randomBytes(32);
const notifierConfig = (env: Record<string, string> = {}) =>
  testNotifierConfig(platform, {
    AGENTRY_SECRET_KEY: masterKey.toString('hex'),
    NOTIFIER_WEBHOOK_RETRY_BASE_MS: '50',
    NOTIFIER_WEBHOOK_MAX_RETRY_DELAY_MS: '200',
    NOTIFIER_POLL_MS: '20',
    NOTIFIER_WEBHOOK_TIMEOUT_MS: '5000',
    // The receivers are on 127.0.0.1: the operator's setting that allows private destinations.
    NOTIFIER_PRIVATE_DESTINATIONS: 'allow',
    ...mailThrough(smtp.url),
    ...env,
  });

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  receiver = new Receiver();
  await receiver.listen();
  smtp = await startSmtpSink();
  pool = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
  notifier = await startNotifier(notifierConfig());
  // An org whose admin has an address: it is told by mail when an endpoint is disabled.
  const created = await platform.request('POST', '/api/v2/orgs', {
    key: platform.adminKey,
    json: { name: 'hooks-org', plan: { maxAgents: 50 }, adminEmail: 'ops@hooks.example.test' },
  });
  expect(created.status).toBe(200);
  org = { orgId: String(created.body.id), key: String(created.body.apiKey) };
  other = await platform.newOrg();
});
afterAll(async () => {
  await notifier?.close();
  await receiver?.close();
  await smtp?.close();
  await pool?.end();
  await platform?.close();
});

const api = (method: string, path: string, json?: unknown, key = org.key) => platform.request(method, `/api/agentry/v1/webhooks${path}`, { key, json });

async function createEndpoint(path: string, extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/endpoints', { url: receiver.url(path), ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; url: string; enabled: boolean };
}

async function runAgent(name: string, code = 'process.exit(0)'): Promise<{ agentId: string; containerId: string }> {
  const script = await platform.request('POST', `/api/v1/script/${name}.js`, { key: org.key, form: { text: code } });
  expect(script.status).toBe(200);
  const saved = await platform.request('POST', '/api/v2/agents/save', { key: org.key, json: { name, scriptId: script.body.data } });
  expect(saved.status).toBe(200);
  const launched = await platform.request('POST', '/api/v2/agents/launch', { key: org.key, json: { id: String(saved.body.id) } });
  expect(launched.status).toBe(200);
  return { agentId: String(saved.body.id), containerId: String(launched.body.containerId) };
}

/** The reference Standard Webhooks implementation (the `standardwebhooks` package) accepts the request with this secret. */
function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.body, {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

const containerEndsAt = (path: string, containerId: string) => receiver.at(path).filter((r) => JSON.parse(r.body).data?.containerId === containerId);

test('endpoint CRUD: create shows the secret once; list, fetch and update never do; delete removes it', async () => {
  const created = await createEndpoint('/crud', { description: 'CRM', eventTypes: ['container.ended'] });
  expect(created).toMatchObject({
    id: expect.stringMatching(/^ep_[0-9a-f]{24}$/),
    secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    enabled: true,
    url: receiver.url('/crud'),
  });

  const listed = await api('GET', '/endpoints');
  expect(listed.status).toBe(200);
  expect(listed.body.endpoints.map((e: { id: string }) => e.id)).toContain(created.id);
  const fetched = await api('GET', `/endpoints/${created.id}`);
  expect(fetched.body).toMatchObject({ id: created.id, description: 'CRM', eventTypes: ['container.ended'], enabled: true, disabledReason: null });
  expect(JSON.stringify([listed.body, fetched.body])).not.toContain(created.secret);

  const updated = await api('PATCH', `/endpoints/${created.id}`, { description: 'CRM (prod)', enabled: false });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ description: 'CRM (prod)', enabled: false, disabledReason: 'manual' });
  expect(updated.body.secret).toBeUndefined();

  expect((await api('DELETE', `/endpoints/${created.id}`)).status).toBe(200);
  expect((await api('GET', `/endpoints/${created.id}`)).status).toBe(404);
});

test("tenant isolation: another org's endpoint id answers 404 on every route, and changes nothing", async () => {
  const mine = await createEndpoint('/isolated');
  for (const [method, path, body] of [
    ['GET', `/endpoints/${mine.id}`],
    ['PATCH', `/endpoints/${mine.id}`, { url: 'https://attacker.example/steal' }],
    ['POST', `/endpoints/${mine.id}/rotate-secret`, {}],
    ['GET', `/endpoints/${mine.id}/deliveries`],
    ['DELETE', `/endpoints/${mine.id}`],
  ] as const) {
    const res = await api(method, path, body, other.key);
    expect([method, path, res.status]).toEqual([method, path, 404]);
  }
  expect((await api('GET', '/endpoints', undefined, other.key)).body.endpoints).toEqual([]);
  expect((await api('GET', `/endpoints/${mine.id}`)).body).toMatchObject({ url: receiver.url('/isolated') });
  await api('DELETE', `/endpoints/${mine.id}`);
});

test('only org admins manage endpoints: a key without org:admin gets 403 (control: the admin key is served)', async () => {
  const key = await platform.request('POST', '/api/v2/org/api-keys', {
    key: org.key,
    json: { name: 'launcher', roles: ['org:read', 'org:manage_agents:launch'] },
  });
  expect(key.status).toBe(200);
  const limited = String(key.body.apiKey ?? key.body.key);
  expect((await api('GET', '/endpoints', undefined, limited)).status).toBe(403);
  expect((await api('POST', '/endpoints', { url: receiver.url('/x') }, limited)).status).toBe(403);
  expect((await api('GET', '/endpoints')).status).toBe(200);
});

test('hostile input: bad, oversized and malformed fields answer 400 naming the field; nothing is created', async () => {
  const before = (await api('GET', '/endpoints')).body.endpoints.length;
  const cases: [unknown, string][] = [
    [{}, 'url'],
    [{ url: 'ftp://files.example/hook' }, 'url'],
    [{ url: 'javascript:alert(1)' }, 'url'],
    [{ url: 'https://user:pass@hooks.example/x' }, 'url'],
    [{ url: `https://hooks.example/${'a'.repeat(3000)}` }, 'url'],
    [{ url: 42 }, 'url'],
    [{ url: 'https://hooks.example/x', eventTypes: ['container.ended', 'everything'] }, 'eventTypes'],
    [{ url: 'https://hooks.example/x', eventTypes: 'container.ended' }, 'eventTypes'],
    [{ url: 'https://hooks.example/x', eventTypes: [] }, 'eventTypes'],
    [{ url: 'https://hooks.example/x', description: 'd'.repeat(501) }, 'description'],
    [{ url: 'https://hooks.example/x', enabled: 'yes' }, 'enabled'],
  ];
  for (const [body, field] of cases) {
    const res = await api('POST', '/endpoints', body);
    expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), 400]);
    expect(res.text).toContain(field);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  }
  const malformed = await fetch(`${platform.baseUrl}/api/agentry/v1/webhooks/endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Phantombuster-Key-1': org.key },
    body: '{"url": "https://hooks.example/x", ',
  });
  expect(malformed.status).toBe(400);
  const huge = await api('POST', '/endpoints', { url: 'https://hooks.example/x', description: 'x'.repeat(5_000_000) });
  expect([400, 413]).toContain(huge.status);
  const ep = await createEndpoint('/hostile');
  expect((await api('POST', `/endpoints/${ep.id}/rotate-secret`, { graceSeconds: -5 })).text).toContain('graceSeconds');
  expect((await api('GET', `/endpoints/${ep.id}/deliveries?limit=100000`)).status).toBe(400);
  expect((await api('GET', '/deliveries?agentId=abc')).status).toBe(400);
  expect((await api('POST', '/deliveries/msg_0000/redeliver')).status).toBe(404);
  expect((await api('GET', '/endpoints')).body.endpoints.length).toBe(before + 1);
  await api('DELETE', `/endpoints/${ep.id}`);
});

test('with private destinations refused, endpoint URLs on 127.0.0.1, 10.x, 169.254.x or localhost are refused at registration (control: a public name is accepted)', async () => {
  const service = new EndpointsService({ endpoints: new WebhookEndpoints(notifier.dataSource), secretKey: masterKey, privateDestinations: 'refuse' });
  const actor = { orgId: Number(org.orgId), userId: 1, keyId: 1, roles: ['org:admin' as const], platformAdmin: false };
  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://localhost/hook',
    'http://[::ffff:10.0.0.1]/hook',
  ]) {
    await expect(service.create({ actor, params: { url } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ field: 'url' })],
    });
  }
  const accepted = await service.create({ actor, params: { url: 'https://hooks.example.test/hook', enabled: false } });
  expect(accepted.url).toBe('https://hooks.example.test/hook');
  await service.delete({ actor, params: { id: accepted.id } });
});

test('a run ends → each subscribed endpoint gets the container.ended envelope, signed with its own secret (verified by the standardwebhooks package); a disabled one gets nothing', async () => {
  const a = await createEndpoint('/a');
  const b = await createEndpoint('/b');
  const off = await createEndpoint('/off', { enabled: false });
  const { agentId, containerId } = await runAgent('endpoint-run');
  await waitUntil(() => containerEndsAt('/a', containerId).length === 1 && containerEndsAt('/b', containerId).length === 1, { timeoutMs: 30_000 });

  const [atA] = containerEndsAt('/a', containerId);
  const [atB] = containerEndsAt('/b', containerId);
  expect(JSON.parse(atA!.body)).toMatchObject({
    type: 'container.ended',
    timestamp: expect.any(String),
    data: { agentId, containerId, exitCode: 0, exitMessage: 'finished' },
  });
  expect(verifies(a.secret, atA!)).toBe(true);
  expect(verifies(b.secret, atB!)).toBe(true);
  // Controls: each secret is its endpoint's alone, and a tampered body fails.
  expect(verifies(b.secret, atA!)).toBe(false);
  expect(verifies(a.secret, { ...atA!, body: atA!.body.replace('"exitCode":0', '"exitCode":1') })).toBe(false);
  expect(atA!.headers['webhook-id']).not.toBe(atB!.headers['webhook-id']);
  expect(containerEndsAt('/off', containerId)).toEqual([]);

  // The receiver has the POST a moment before the notifier records the answer it got.
  await waitUntil(async () => (await api('GET', `/endpoints/${a.id}/deliveries`)).body.deliveries[0]?.state === 'delivered');
  const log = await api('GET', `/endpoints/${a.id}/deliveries`);
  expect(log.status).toBe(200);
  expect(log.body.deliveries[0]).toMatchObject({
    id: atA!.headers['webhook-id'],
    channel: 'endpoint',
    endpointId: a.id,
    eventType: 'container.ended',
    state: 'delivered',
    nextAttemptAt: null,
    attempts: [expect.objectContaining({ attempt: 1, statusCode: 200, responseExcerpt: 'thanks', latencyMs: expect.any(Number) })],
  });
  for (const e of [a, b, off]) await api('DELETE', `/endpoints/${e.id}`);
});

test('rotation: during the grace both secrets verify; once it has passed only the new one does (a redelivery, same webhook-id)', async () => {
  const ep = await createEndpoint('/rotate');
  const rotated = await api('POST', `/endpoints/${ep.id}/rotate-secret`, { graceSeconds: 3600 });
  expect(rotated.status).toBe(200);
  expect(rotated.body.secret).not.toBe(ep.secret);
  expect(rotated.body.previousSecretValidUntil).toBeGreaterThan(Date.now());

  const { containerId } = await runAgent('rotation-run');
  await waitUntil(() => containerEndsAt('/rotate', containerId).length === 1, { timeoutMs: 30_000 });
  const [during] = containerEndsAt('/rotate', containerId);
  expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  expect(verifies(ep.secret, during!)).toBe(true);
  expect(verifies(rotated.body.secret, during!)).toBe(true);

  // The grace passes (its end moved into the past, as the hour passing would), then a redelivery.
  await pool.query(`UPDATE webhook_endpoints SET previous_secret_valid_until = $2 WHERE id = $1`, [ep.id, Date.now() - 1]);
  const webhookId = String(during!.headers['webhook-id']);
  // Another org cannot redeliver it, nor see it in an agent's log (404 / not listed).
  expect((await api('POST', `/deliveries/${webhookId}/redeliver`, undefined, other.key)).status).toBe(404);
  const again = await api('POST', `/deliveries/${webhookId}/redeliver`);
  expect(again.status).toBe(200);
  await waitUntil(() => containerEndsAt('/rotate', containerId).length === 2, { timeoutMs: 30_000 });
  const after = containerEndsAt('/rotate', containerId)[1]!;
  expect(after.headers['webhook-id']).toBe(webhookId);
  expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(verifies(rotated.body.secret, after)).toBe(true);
  expect(verifies(ep.secret, after)).toBe(false);
  await waitUntil(async () => (await api('GET', `/endpoints/${ep.id}/deliveries`)).body.deliveries[0].attempts.length === 2);
  await api('DELETE', `/endpoints/${ep.id}`);
});

test('a receiver down (connections refused) then up: retried under one webhook-id until delivered; the log shows each attempt', async () => {
  const flaky = new Receiver();
  await flaky.listen();
  const created = await api('POST', '/endpoints', { url: flaky.url('/outage') });
  const ep = created.body as { id: string; secret: string };
  await flaky.close();
  // A notifier whose retries are slower, so the outage spans several attempts the test can count.
  await notifier.close();
  notifier = await startNotifier(notifierConfig({ NOTIFIER_WEBHOOK_RETRY_BASE_MS: '300', NOTIFIER_WEBHOOK_MAX_RETRY_DELAY_MS: '300' }));
  try {
    const { containerId } = await runAgent('outage-run');
    await waitUntil(
      async () => {
        const d = (await api('GET', `/endpoints/${ep.id}/deliveries`)).body.deliveries.find(
          (x: { containerId: number }) => String(x.containerId) === containerId,
        );
        return d?.attempts.length >= 2;
      },
      { timeoutMs: 30_000 },
    );
    await flaky.listen();
    await waitUntil(() => flaky.at('/outage').length === 1, { timeoutMs: 30_000 });
    const [got] = flaky.at('/outage');
    expect(verifies(ep.secret, got!)).toBe(true);
    const d = (await api('GET', `/endpoints/${ep.id}/deliveries`)).body.deliveries[0];
    await waitUntil(async () => (await api('GET', `/endpoints/${ep.id}/deliveries`)).body.deliveries[0].state === 'delivered');
    const logged = (await api('GET', `/endpoints/${ep.id}/deliveries`)).body.deliveries[0];
    expect(logged.id).toBe(got!.headers['webhook-id']);
    expect(logged.attempts.slice(0, -1).every((a: { statusCode: number | null; error: string | null }) => a.statusCode === null && a.error)).toBe(true);
    expect(logged.attempts.at(-1)).toMatchObject({ statusCode: 200 });
    expect(d.id).toBe(logged.id);
  } finally {
    await flaky.close();
    await api('DELETE', `/endpoints/${ep.id}`);
  }
});

test('an endpoint failing for the configured days is disabled, the org gets an event and a mail; its deliveries wait and resume when it is enabled again', async () => {
  const ep = await createEndpoint('/failing');
  receiver.answer('/failing', [500, 500, 500, 500, 500, 500]);
  // It has been failing for 6 days (over the default 5): the next failed attempt disables it.
  await pool.query(`UPDATE webhook_endpoints SET failing_since = $2 WHERE id = $1`, [ep.id, Date.now() - 6 * 86_400_000]);
  const { containerId } = await runAgent('failing-run');
  await waitUntil(async () => (await api('GET', `/endpoints/${ep.id}`)).body.enabled === false, { timeoutMs: 30_000 });
  const disabled = (await api('GET', `/endpoints/${ep.id}`)).body;
  expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing' });

  const events = await pool.query(`SELECT data FROM events WHERE type = 'WebhookEndpointDisabled' AND data->>'endpointId' = $1`, [ep.id]);
  expect(events.rows).toHaveLength(1);
  expect(events.rows[0].data).toMatchObject({ orgId: Number(org.orgId), endpointId: ep.id });
  await waitUntil(() => smtp.mails.some((m) => m.raw.includes(ep.id)), { timeoutMs: 30_000 });
  const mail = smtp.mails.find((m) => m.raw.includes(ep.id))!;
  expect(mail.to).toEqual(['ops@hooks.example.test']);
  expect(mail.from).toBe('agentry@example.test');
  expect(mail.subject).toMatch(/^\[Agentry\] Webhook endpoint ep_[0-9a-f]{24} disabled after 6 days of failures$/);

  // Disabled: its delivery waits (no new attempt) …
  const attemptsWhenDisabled = receiver.at('/failing').length;
  const [{ state }] = (await pool.query(`SELECT state FROM webhook_deliveries WHERE endpoint_id = $1`, [ep.id])).rows;
  expect(state).toBe('pending');
  // … and once enabled again (the receiver fixed), it is delivered under the same id.
  receiver.answer('/failing', []);
  expect((await api('PATCH', `/endpoints/${ep.id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  await waitUntil(() => containerEndsAt('/failing', containerId).length === attemptsWhenDisabled + 1, { timeoutMs: 30_000 });
  const ids = new Set(containerEndsAt('/failing', containerId).map((r) => r.headers['webhook-id']));
  expect(ids.size).toBe(1);
  await api('DELETE', `/endpoints/${ep.id}`);
});

test('a replica that dies mid-delivery (its claim never recorded): another delivers it once the lease lapses, under the same id, and never again after', async () => {
  const ep = await createEndpoint('/lease');
  // A delivery due at T, an hour ahead: the running notifier leaves it alone; every claim below passes
  // its own clock, so the lease is judged without waiting.
  const T = Date.now() + 3_600_000;
  const webhookId = `msg_${randomBytes(16).toString('hex')}`;
  const deliveries = new WebhookDeliveries(notifier.dataSource);
  await deliveries.enqueue(
    {
      webhookId,
      eventId: crypto.randomUUID(),
      orgId: Number(org.orgId),
      agentId: null,
      containerId: null,
      url: ep.url,
      body: '{"type":"container.ended","data":{}}',
      channel: 'endpoint',
      endpointId: ep.id,
    },
    T,
  );
  // The dying replica claims it for 30 s and is gone before recording anything.
  const [dying] = (await deliveries.claimDue(T, 30_000, 100)).filter((d) => d.webhookId === webhookId);
  expect(dying).toBeDefined();
  const live = { deliveries, secretKey: masterKey, config: notifierConfig().webhooks, now: () => T + 31_000 };
  // While the lease holds no replica takes it …
  expect((await deliveries.claimDue(T + 29_000, 60_000, 100)).filter((d) => d.webhookId === webhookId)).toEqual([]);
  // … once lapsed, one does, and delivers it under the same webhook id.
  const [retaken] = (await deliveries.claimDue(T + 31_000, 60_000, 100)).filter((d) => d.webhookId === webhookId);
  expect(retaken).toMatchObject({ id: dying!.id, webhookId });
  await attemptDelivery(live, retaken!);
  expect(receiver.at('/lease')).toHaveLength(1);
  expect(receiver.at('/lease')[0]!.headers['webhook-id']).toBe(webhookId);
  // Delivered: never claimed again, whenever asked.
  expect((await deliveries.claimDue(T + 86_400_000, 60_000, 100)).filter((d) => d.webhookId === webhookId)).toEqual([]);
  await api('DELETE', `/endpoints/${ep.id}`);
});

test('public lifecycle events reach the endpoints subscribed to their type (agent.saved here), signed; types not chosen are not sent', async () => {
  const saves = await createEndpoint('/lifecycle-saves', { eventTypes: ['agent.saved', 'agent.deleted'] });
  const ends = await createEndpoint('/lifecycle-ends', { eventTypes: ['container.ended'] });
  const saved = await platform.request('POST', '/api/v2/agents/save', { key: org.key, json: { name: 'lifecycle-agent' } });
  expect(saved.status).toBe(200);
  const agentId = String(saved.body.id);
  const savesOf = () => receiver.at('/lifecycle-saves').filter((r) => JSON.parse(r.body).data?.agentId === agentId);
  await waitUntil(() => savesOf().length === 1, { timeoutMs: 30_000 });
  const [got] = savesOf();
  expect(JSON.parse(got!.body)).toMatchObject({
    type: 'agent.saved',
    timestamp: expect.any(String),
    data: {
      id: expect.stringMatching(/^evt_/),
      type: 'agent.saved',
      version: 1,
      orgId: org.orgId,
      agentId,
      data: { name: 'lifecycle-agent', reason: 'create' },
    },
  });
  expect(verifies(saves.secret, got!)).toBe(true);
  // agent.created was not chosen: only the one delivery; the container.ended endpoint heard nothing of it.
  expect(receiver.at('/lifecycle-saves').filter((r) => JSON.parse(r.body).type === 'agent.created')).toEqual([]);
  expect(receiver.at('/lifecycle-ends').filter((r) => JSON.parse(r.body).data?.agentId === agentId)).toEqual([]);
  for (const e of [saves, ends]) await api('DELETE', `/endpoints/${e.id}`);
});
