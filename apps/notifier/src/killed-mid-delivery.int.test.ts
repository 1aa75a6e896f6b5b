/**
 * A notifier SIGKILLed while a delivery is in flight (the receiver has the POST, no answer came back):
 * the delivery is not lost, another notifier delivers it under the same webhook-id, and once that
 * success is recorded it is never sent again. The doomed notifier is the built service
 * (`apps/notifier/dist/main.js`) in a child process: needs `npm run build` first (`npm test` does it).
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import { loadNotifierConfig } from './config.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';
import { Receiver } from './testing/receiver.js';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.js';

jest.setTimeout(120_000);

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), '../dist/main.js');
const masterKey = randomBytes(32);
let platform: TestPlatform;
let receiver: Receiver;
let pool: pg.Pool;
let doomed: ChildProcess | undefined;
/** Every child started, killed at the end whatever happens. */
const children: ChildProcess[] = [];
let survivor: RunningNotifier | undefined;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  platform = await startPlatform({ execution: true });
  receiver = new Receiver();
  await receiver.listen();
  pool = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await survivor?.close();
  await receiver?.close();
  await pool?.end();
  await platform?.close();
});

const env = {
  DATABASE_URL: () => platform.databaseUrl,
  NATS_URL: () => platform.natsUrlFor('notifier'),
};

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startDoomedNotifier(): Promise<ChildProcess> {
  const healthPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: env.DATABASE_URL(),
      NATS_URL: env.NATS_URL(),
      AGENTRY_SECRET_KEY: masterKey.toString('hex'),
      NOTIFIER_PRIVATE_DESTINATIONS: 'allow',
      NOTIFIER_POLL_MS: '20',
      LOG_LEVEL: 'info',
      HEALTH_PORT: String(healthPort),
      HEALTH_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const ready = () =>
    fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  await waitUntil(async () => child.exitCode !== null || (await ready()), { timeoutMs: 30_000, message: 'child notifier ready' }).catch((e) => {
    throw new Error(`${(e as Error).message}:\n${output.slice(-3000)}`);
  });
  if (child.exitCode !== null) throw new Error(`child notifier exited:\n${output}`);
  return child;
}

test('a notifier killed mid-delivery: the delivery is not lost, is sent again under the same webhook-id by another notifier, and never after its success', async () => {
  doomed = await startDoomedNotifier();
  receiver.hold('/held');
  const org = await platform.newOrg();
  const script = await platform.request('POST', '/api/v1/script/killed.js', { key: org.key, form: { text: 'process.exit(0)' } });
  const saved = await platform.request('POST', '/api/v2/agents/save', {
    key: org.key,
    json: { name: 'killed', scriptId: script.body.data, notifications: { webhook: receiver.url('/held') } },
  });
  await platform.request('POST', '/api/v2/agents/launch', { key: org.key, json: { id: String(saved.body.id) } });

  // The doomed notifier's POST is at the receiver, unanswered: kill it there.
  await waitUntil(() => receiver.at('/held').length === 1, { timeoutMs: 30_000 });
  const webhookId = String(receiver.at('/held')[0]!.headers['webhook-id']);
  doomed.kill('SIGKILL');
  await new Promise((resolve) => doomed!.once('exit', resolve));
  const [row] = (await pool.query(`SELECT state, attempts, claimed_until FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).rows;
  // Nothing was recorded: still pending, under the dead replica's claim.
  expect(row).toMatchObject({ state: 'pending', attempts: 0 });
  expect(Number(row.claimed_until)).toBeGreaterThan(Date.now());

  // Its lease lapses (moved to now, as the time passing would), the receiver answers again, a new notifier takes over.
  await pool.query(`UPDATE webhook_deliveries SET claimed_until = 0 WHERE webhook_id = $1`, [webhookId]);
  receiver.release('/held');
  survivor = await startNotifier(
    loadNotifierConfig({
      DATABASE_URL: env.DATABASE_URL(),
      NATS_URL: env.NATS_URL(),
      LOG_LEVEL: 'error',
      AGENTRY_SECRET_KEY: masterKey.toString('hex'),
      NOTIFIER_PRIVATE_DESTINATIONS: 'allow',
      NOTIFIER_POLL_MS: '20',
    }),
  );
  await waitUntil(async () => (await pool.query(`SELECT state FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).rows[0].state === 'delivered', {
    timeoutMs: 30_000,
  });
  expect(receiver.at('/held').map((r) => r.headers['webhook-id'])).toEqual([webhookId, webhookId]);
  // One delivery row for the end (the replay of the end event by the durable consumer enqueued nothing new) …
  expect((await pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE url = $1`, [receiver.url('/held')])).rows[0].n).toBe(1);
  // … and a recorded success is never claimed again, however late.
  const later = await new WebhookDeliveries(survivor.dataSource).claimDue(Date.now() + 7 * 86_400_000, 60_000, 1000);
  expect(later.filter((d) => d.webhookId === webhookId)).toEqual([]);
});
