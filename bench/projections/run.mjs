// Read-model rebuild benchmark (issue 9 item 4): every service's projections rebuilt from one event log, each
// beside a raw read of the same events, on embedded Postgres. Per projection: events/s of the rebuild (whole log:
// the checkpoint passes every event, whatever its type) and its time as a ratio to reading the same events with
// the same paged query the rebuild uses (readLog), plus one bare SELECT of the whole log for scale.
// The log: BENCH_ORGS orgs (org, user, key, tag), a script per 10 agents, BENCH_AGENTS agents (created + a
// version on a rate schedule + one ScheduleFired) and BENCH_RUNS runs per agent (queued, started, progressed,
// 2 messages, result object, output sealed, ended: 8 events). Events are inserted in the shape the append function
// stores them, 10,000 per transaction (appending them one stream at a time would take longer than the bench).
// Usage: npm run build && node bench/projections/run.mjs   (env: BENCH_AGENTS=10000, BENCH_RUNS=2, BENCH_ORGS=200,
// BENCH_ONLY=<substring of projection names>). Aim: ≥ 50,000 events/s per read model. Prints figures; asserts nothing.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { defaultAgentSettings } from '@agentry/contracts';
import { LOG_START, migrate, positionOf, rebuildProjections } from '@agentry/event-store';
import { benchWorkspace } from '../workspace.mjs';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const ORGS = Number(process.env.BENCH_ORGS ?? 200);
const ONLY = process.env.BENCH_ONLY;
const INSERT_CHUNK = 10_000;
const READ_PAGE = 5000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const BY = { userId: 1, keyId: 1 };

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const timed = async (fn) => {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
};

const settingsOf = (agentId, scriptId) => ({
  ...defaultAgentSettings(`bench-${agentId}`),
  scriptId,
  argument: JSON.stringify({ n: agentId }),
  launchType: 'repeatedly',
  schedule: { kind: 'rate', mode: 'SCHEDULED', rateMinutes: 60 },
  stage: 'production',
});

/** Every event of the log, stream by stream in the order a platform would have written them. */
function* logEvents() {
  const ev = (streamId, streamType, type, data) => ({ streamId, streamType, type, data });
  for (let orgId = 1; orgId <= ORGS; orgId++) {
    yield ev(`org-${orgId}`, 'org', 'OrgCreated', { orgId, name: `org-${orgId}`, plan: { maxAgents: 1000, maxRunningContainers: 10 }, createdAt: T0 });
    yield ev(`org-${orgId}`, 'org', 'OrgUserAdded', { orgId, userId: orgId, email: `u${orgId}@example.test`, roles: ['org:admin'], addedAt: T0 });
    yield ev(`org-${orgId}`, 'org', 'ApiKeyIssued', {
      keyId: orgId,
      orgId,
      userId: orgId,
      name: 'ci',
      roles: ['org:admin'],
      platformAdmin: false,
      prefix: `k${orgId}`,
      prefixVisible: true,
      hash: 'x'.repeat(64),
      createdAt: T0,
    });
    yield ev(`org-${orgId}`, 'org', 'TagCreated', { orgId, tagId: orgId, name: 'nightly', createdAt: T0, createdBy: BY });
  }
  const orgOf = (agentId) => 1 + (agentId % ORGS);
  for (let scriptId = 1; scriptId <= Math.ceil(AGENTS / 10); scriptId++) {
    yield ev(`script-${scriptId}`, 'script', 'ScriptSaved', {
      scriptId,
      orgId: orgOf(scriptId * 10),
      name: `s${scriptId}.js`,
      text: 'console.log("hello")\n'.repeat(20),
      source: 'api',
      nonce: 1,
      savedAt: T0,
      createdAt: T0,
      savedBy: BY,
    });
  }
  let containerId = 0;
  for (let agentId = 1; agentId <= AGENTS; agentId++) {
    const orgId = orgOf(agentId);
    const stream = `agent-${agentId}`;
    const versionId = randomUUID();
    yield ev(stream, 'agent', 'AgentCreated', {
      agentId,
      orgId,
      storageFolder: `s${agentId}`,
      userStorageFolder: `u${agentId}`,
      createdBy: BY,
      createdAt: T0,
      idempotencyKey: null,
    });
    yield ev(stream, 'agent', 'AgentVersionSaved', {
      agentId,
      versionId,
      versionNumber: 1,
      settingsSchemaVersion: 1,
      settings: settingsOf(agentId, Math.ceil(agentId / 10)),
      secrets: { proxyPassword: null, credentials: null },
      savedBy: BY,
      savedAt: T0,
      reason: 'create',
      changedFields: [],
    });
    for (let run = 0; run < RUNS; run++) {
      const id = ++containerId;
      const at = T0 + 3_600_000 * (run + 1);
      const c = `container-${id}`;
      yield ev(c, 'container', 'ContainerQueued', {
        containerId: id,
        agentId,
        orgId,
        launchType: 'scheduled repeatedly',
        agentVersionId: versionId,
        queuedAt: at,
        argument: '{}',
        retryNumber: 0,
        retryOfContainerId: null,
        maxParallelism: 1,
      });
      yield ev(c, 'container', 'ContainerStarted', { containerId: id, agentId, startedAt: at + 100, executorId: 'e1' });
      yield ev(c, 'container', 'ContainerProgressed', { containerId: id, agentId, progress: 0.5, label: 'half', at: at + 200 });
      yield ev(c, 'container', 'ContainerMessageAdded', {
        containerId: id,
        agentId,
        messageNumber: 1,
        text: 'Agent started',
        type: 'info',
        context: [],
        at: at + 100,
      });
      yield ev(c, 'container', 'ContainerMessageAdded', {
        containerId: id,
        agentId,
        messageNumber: 2,
        text: 'Agent finished',
        type: 'success',
        context: [],
        at: at + 900,
      });
      yield ev(c, 'container', 'ContainerResultObjectSet', { containerId: id, agentId, resultObject: JSON.stringify({ rows: run }), at: at + 800 });
      yield ev(c, 'container', 'ContainerOutputSealed', { containerId: id, agentId, outputLength: 1234, at: at + 950 });
      yield ev(c, 'container', 'ContainerEnded', {
        containerId: id,
        agentId,
        status: 'finished',
        endType: 'finished',
        exitCode: 0,
        endMessage: 'Agent finished (success)',
        endedAt: at + 1000,
        launchFailed: false,
      });
    }
    yield ev(`schedule-${agentId}`, 'schedule', 'ScheduleFired', {
      agentId,
      plannedAt: T0 + 3_600_000,
      resumeAfter: T0 + 3_600_000,
      containerId: null,
      outcome: 'launched',
      firedAt: T0 + 3_600_000,
    });
  }
}

/** Inserts the log in transactions of INSERT_CHUNK events (stream positions counted per stream). */
async function seed(pool) {
  const positions = new Map();
  let chunk = [];
  let total = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const column = (f) => chunk.map(f);
    await pool.query(
      `INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, data, metadata)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[])`,
      [
        column((e) => e.streamId),
        column((e) => e.streamType),
        column((e) => e.position),
        column(() => randomUUID()),
        column((e) => e.type),
        column((e) => JSON.stringify(e.data)),
        column(() => JSON.stringify({ correlationId: randomUUID(), causationId: null, actor: { userId: 1, keyId: 1 } })),
      ],
    );
    total += chunk.length;
    chunk = [];
  };
  for (const event of logEvents()) {
    const position = (positions.get(event.streamId) ?? 0) + 1;
    positions.set(event.streamId, position);
    chunk.push({ ...event, position });
    if (chunk.length === INSERT_CHUNK) await flush();
  }
  await flush();
  await pool.query(
    `INSERT INTO streams (stream_id, stream_type, version) SELECT stream_id, min(stream_type), max(stream_position) FROM events GROUP BY stream_id`,
  );
  await pool.query('VACUUM ANALYZE events');
  return total;
}

async function readWholeLog(readLog, dataSource) {
  let position = LOG_START;
  let count = 0;
  for (;;) {
    const events = await readLog(dataSource, position, READ_PAGE);
    if (events.length === 0) return count;
    count += events.length;
    position = positionOf(events.at(-1));
  }
}

async function main() {
  const workspace = await benchWorkspace('projections');
  const { stops } = workspace;
  try {
    const postgres = await workspace.startPostgres();
    // Each service's data source and projections, from its built app's public entry (npm run build).
    const services = [
      ['registry', await import('@agentry/registry').then((m) => [m.registryDataSource, m.registryProjections])],
      ['output', await import('@agentry/output').then((m) => [m.outputDataSource, m.outputProjections])],
      ['executor', await import('@agentry/executor').then((m) => [m.executorDataSource, m.executorProjections])],
      ['scheduler', await import('@agentry/scheduler').then((m) => [m.schedulerDataSource, m.schedulerProjections])],
      ['notifier', await import('@agentry/notifier').then((m) => [m.notifierDataSource, m.notifierProjections])],
    ];
    const dataSources = [];
    for (const [, [dataSourceOf]] of services) {
      const dataSource = dataSourceOf(postgres.url);
      await dataSource.initialize();
      stops.push(() => dataSource.destroy());
      await migrate(dataSource);
      dataSources.push(dataSource);
    }
    const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    stops.push(() => pool.end());
    const seeded = await timed(() => seed(pool));
    const total = seeded.value;
    console.log(
      `projection rebuild benchmark: ${fmtInt(total)} events (${fmtInt(ORGS)} orgs, ${fmtInt(AGENTS)} agents, ${fmtInt(AGENTS * RUNS)} runs), seeded in ${(seeded.ms / 1000).toFixed(1)} s`,
    );

    const { readLog } = await import('../../libs/event-store/dist/log-reader.js');
    // Read twice, the faster counts: the first read also warms the cache the rebuilds then use.
    const firstRead = await timed(() => readWholeLog(readLog, dataSources[0]));
    const secondRead = await timed(() => readWholeLog(readLog, dataSources[0]));
    const paged = firstRead.ms < secondRead.ms ? firstRead : secondRead;
    const bare = await timed(async () => (await pool.query('SELECT * FROM events ORDER BY transaction_id, global_position')).rowCount);
    console.log(`\nraw reads of the ${fmtInt(total)} events`);
    console.log(
      `  readLog pages of ${READ_PAGE} (the rebuild's read)  ${(paged.ms / 1000).toFixed(2).padStart(6)} s  ${fmtInt(total / (paged.ms / 1000)).padStart(9)} events/s`,
    );
    console.log(
      `  one SELECT * of the log                 ${(bare.ms / 1000).toFixed(2).padStart(6)} s  ${fmtInt(total / (bare.ms / 1000)).padStart(9)} events/s`,
    );

    console.log('\nrebuild (whole log, beside the live tables)      time    events/s   ÷ raw read   aim ≥ 50,000/s');
    for (const [index, [service, [, projectionsOf]]] of services.entries()) {
      for (const projection of projectionsOf()) {
        if (ONLY && !projection.name.includes(ONLY)) continue;
        const run = await timed(() => rebuildProjections(dataSources[index], [projection]));
        const perSecond = total / (run.ms / 1000);
        const how = `${projection.applyBatch ? 'batch' : 'one by one'}, ${projection.tables ? 'beside' : 'in place'}`;
        console.log(
          `  ${`${service} ${projection.name}`.padEnd(36)} ${(run.ms / 1000).toFixed(2).padStart(6)} s  ${fmtInt(perSecond).padStart(9)}   ${(run.ms / paged.ms).toFixed(2).padStart(6)}x   ${perSecond >= 50_000 ? 'ok ' : 'MISS'} (${how})`,
        );
      }
    }
  } finally {
    await workspace.stop();
  }
}

await main();
