// Webhook delivery bench (issue 11): a real notifier process (apps/notifier/dist) on embedded Postgres
// and NATS, fed ContainerEnded events through the event store and the outbox relay, delivering to a
// loopback receiver.
//   1. Latency: run end (the event's endedAt) → webhook received, p50 / p99, while ends flow at
//      BENCH_PER_MINUTE (default 1,000 / min) for BENCH_SECONDS (default 30).
//   2. Throughput: BENCH_DELIVERIES (default 2,000) deliveries already due in the outbox, drained by one
//      notifier → deliveries/s, beside a raw loop POSTing the same body to the same receiver with the
//      worker's concurrency (16) → ratio.
// Build first: npx turbo run build --filter=@agentry/notifier --filter=@agentry/local-servers
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { createDataSource, EventStore } from '@agentry/event-store';
import { startEventRelay } from '@agentry/messaging';
import { freePort } from '@agentry/local-servers';
import { benchWorkspace } from '../workspace.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PER_MINUTE = Number(process.env.BENCH_PER_MINUTE ?? 1000);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2000);
const CONCURRENCY = 16; // the delivery worker's batch
const ORG = 1;
const AGENT = 1;
const VERSION = randomUUID();

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The receiver: counts requests, notes when each container's end arrived. */
function startReceiver() {
  const arrivals = new Map();
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      const at = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body.containerId && !arrivals.has(body.containerId)) arrivals.set(body.containerId, { at, endedAt: body.endedAt });
      } catch {
        // the raw loop's body
      }
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, arrivals, count: () => count, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function startNotifierProcess(env) {
  const healthPort = await freePort();
  const child = spawn(process.execPath, ['apps/notifier/dist/main.js'], {
    env: { ...process.env, ...env, HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the notifier exited (${child.exitCode})`);
      return fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    60_000,
    'the notifier to be ready',
  );
  return { stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) };
}

/** Raw baseline: the same body POSTed to the same receiver, CONCURRENCY at a time, a fresh connection each (as the notifier). */
async function rawPostLoop(url, body, n) {
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next += 1;
        await one();
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

const workspace = await benchWorkspace('webhooks');
const { stops } = workspace;
try {
  const pg = await workspace.startPostgres();
  const nats = await workspace.startNats();
  const receiver = await startReceiver();
  stops.push(() => receiver.close());

  const notifier = await startNotifierProcess({
    DATABASE_URL: pg.url,
    NATS_URL: nats.url,
    AGENTRY_SECRET_KEY: randomBytes(32).toString('base64'),
    NOTIFIER_PRIVATE_DESTINATIONS: 'allow', // the receiver is on loopback
  });
  stops.push(() => notifier.stop());

  // The notifier migrated the schema; the relay publishes what is appended, as the registry's does.
  const dataSource = createDataSource({ url: pg.url, name: 'bench' });
  await dataSource.initialize();
  stops.push(() => dataSource.destroy());
  const relay = await startEventRelay(dataSource, nats.url, {});
  stops.push(() => relay.stop());
  const store = new EventStore(dataSource);
  await store.append(
    `agent-${AGENT}`,
    'agent',
    [
      {
        type: 'AgentVersionSaved',
        data: {
          agentId: AGENT,
          versionId: VERSION,
          versionNumber: 1,
          settingsSchemaVersion: 1,
          settings: { name: 'bench', notifications: { webhook: receiver.url } },
          secrets: {},
          savedBy: null,
          savedAt: Date.now(),
          reason: 'save',
          changedFields: [],
        },
      },
    ],
    { expectedVersion: 'any' },
  );

  // 1. Latency under a steady flow of ends.
  const total = Math.round((SECONDS * PER_MINUTE) / 60);
  const gapMs = 60_000 / PER_MINUTE;
  const began = Date.now();
  for (let i = 1; i <= total; i += 1) {
    const now = Date.now();
    await store.append(
      `container-${i}`,
      'container',
      [
        {
          type: 'ContainerQueued',
          data: { containerId: i, agentId: AGENT, orgId: ORG, launchType: 'scheduled repeatedly', agentVersionId: VERSION, queuedAt: now - 5 },
        },
        { type: 'ContainerStarted', data: { containerId: i, agentId: AGENT, startedAt: now - 3 } },
        {
          type: 'ContainerEnded',
          data: {
            containerId: i,
            agentId: AGENT,
            status: 'complete',
            endType: 'finished',
            exitCode: 0,
            endMessage: 'Agent finished (success)',
            endedAt: Date.now(),
          },
        },
      ],
      { expectedVersion: 'no_stream' },
    );
    const due = began + i * gapMs;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  await waitFor(() => receiver.arrivals.size >= total, 120_000, 'every end to be delivered');
  const latencies = [...receiver.arrivals.values()].map((a) => a.at - a.endedAt).sort((a, b) => a - b);

  // 2. Throughput: a backlog already due, drained by this one notifier.
  const body = JSON.stringify({ agentId: '1', containerId: 'x', padding: 'x'.repeat(400) });
  const before = receiver.count();
  const now = Date.now();
  await dataSource.query(
    `INSERT INTO webhook_deliveries (webhook_id, event_id, org_id, agent_id, container_id, url, body, next_attempt_at, created_at)
     SELECT 'msg_' || md5(random()::text || g::text), gen_random_uuid(), $1, $2, NULL, $3, $4, $5, $5 FROM generate_series(1, $6) g`,
    [ORG, AGENT, receiver.url, body, now, DELIVERIES],
  );
  const drainStart = performance.now();
  await waitFor(async () => receiver.count() - before >= DELIVERIES, 300_000, 'the backlog to drain');
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const rawSeconds = await rawPostLoop(receiver.url, body, DELIVERIES);

  const perSecond = DELIVERIES / drainSeconds;
  const rawPerSecond = DELIVERIES / rawSeconds;
  console.log(
    `webhooks: ${total} run ends at ${PER_MINUTE}/min over ${SECONDS} s → received: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`,
  );
  console.log(
    `webhooks: ${DELIVERIES} due deliveries, one notifier: ${perSecond.toFixed(0)} deliveries/s; raw POST loop (${CONCURRENCY} at a time): ${rawPerSecond.toFixed(0)}/s; ratio ${(rawPerSecond / perSecond).toFixed(2)}× slower than raw`,
  );
} finally {
  await workspace.stop();
}
