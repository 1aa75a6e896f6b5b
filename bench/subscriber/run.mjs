// Public lifecycle events, end to end: an internal event appended to the event store → the notifier's
// public-events projection publishes it to LIFECYCLE → a @agentry/subscriber handler receives it. Latency
// p50/p99 at a steady rate, beside a raw baseline: the same payload published straight to JetStream and
// pulled by a bare consumer (no store, no projection, no kit).
// Usage: npm run build && node bench/subscriber/run.mjs   (env: BENCH_EVENTS=1000, BENCH_RATE=100 per second).
// Prints figures; asserts nothing.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EventStore } from '@agentry/event-store';
import { freePort, startEmbeddedPostgres, startNatsServer } from '@agentry/local-servers';
import { loadNotifierConfig, startNotifier } from '@agentry/notifier';
import { subscribe } from '@agentry/subscriber';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 100);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (latencies) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `send(i)` EVENTS times at RATE per second (not waiting for the previous one). */
async function paced(send) {
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < EVENTS; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(i));
  }
  await Promise.all(pending);
}

async function waitFor(check, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'bench-subscriber-'));
// Postgres runs as its own OS user and must enter the folder.
await chmod(dir, 0o711);
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, database: 'bench' });
const nats = await startNatsServer({ port: await freePort(), storeDir: join(dir, 'nats') });
const notifier = await startNotifier(
  loadNotifierConfig({ DATABASE_URL: postgres.url, NATS_URL: nats.url, LOG_LEVEL: 'error', AGENTRY_SECRET_KEY: randomBytes(32).toString('hex') }),
);
const nc = await connect({ servers: nats.url });
try {
  // --- through the platform: append → projection → LIFECYCLE → kit handler
  const store = new EventStore(notifier.dataSource);
  const append = (streamId, streamType, type, data) => store.append(streamId, streamType, [{ type, data }], { expectedVersion: 'any' });
  await append('agent-1', 'agent', 'AgentCreated', {
    agentId: 1,
    orgId: 1,
    storageFolder: 'f',
    userStorageFolder: 'u',
    createdBy: { userId: 1, keyId: 1 },
    createdAt: Date.now(),
    idempotencyKey: null,
  });
  await append('container-1', 'container', 'ContainerQueued', {
    containerId: 1,
    agentId: 1,
    orgId: 1,
    launchType: 'manual',
    agentVersionId: null,
    queuedAt: Date.now(),
  });
  const appendedAt = new Map();
  const platform = [];
  const sub = await subscribe({
    nc,
    durable: 'bench',
    types: ['container.progress'],
    startAt: 'new',
    maxInFlight: 64,
    handler: (event) => {
      const at = appendedAt.get(event.data.label);
      if (at !== undefined) platform.push(performance.now() - at);
    },
  });
  await paced(async (i) => {
    const label = `p${i}`;
    appendedAt.set(label, performance.now());
    await append('container-1', 'container', 'ContainerProgressed', { containerId: 1, agentId: 1, progress: (i % 100) / 100, label, at: Date.now() });
  });
  await waitFor(() => platform.length >= EVENTS, 'every public event');
  await sub.stop();

  // --- raw: publish the same size of payload to JetStream, a bare durable consumer acks it
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'RAW', subjects: ['raw.>'] });
  await jsm.consumers.add('RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 64 });
  const js = jetstream(nc);
  const sentAt = new Map();
  const raw = [];
  const messages = await (await js.consumers.get('RAW', 'raw')).consume({ max_messages: 64 });
  const reading = (async () => {
    for await (const m of messages) {
      const at = sentAt.get(m.json().data.label);
      if (at !== undefined) raw.push(performance.now() - at);
      m.ack();
      if (raw.length >= EVENTS) break;
    }
  })();
  await paced(async (i) => {
    const label = `p${i}`;
    sentAt.set(label, performance.now());
    await js.publish(
      'raw.1',
      JSON.stringify({
        id: `evt_${i}`,
        type: 'container.progress',
        version: 1,
        orgId: '1',
        agentId: '1',
        occurredAt: Date.now(),
        data: { containerId: '1', progress: 0.5, label, at: Date.now() },
      }),
      { msgID: label },
    );
  });
  await reading;

  const p = summary(platform);
  const r = summary(raw);
  console.log(`${EVENTS} events at ${RATE}/s`);
  console.table(
    [
      { path: 'append → public event handled (kit)', ...p },
      { path: 'raw JetStream publish → bare consumer', ...r },
      { path: 'ratio', n: '', p50: (p.p50 / r.p50).toFixed(1) + '×', p99: (p.p99 / r.p99).toFixed(1) + '×', max: '' },
    ].map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && k !== 'n' ? `${v.toFixed(1)} ms` : v]))),
  );
} finally {
  await nc.close();
  await notifier.close();
  await nats.stop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}
