// Event-store benchmark: appends vs raw single-row INSERTs, and projection catch-up vs a raw SELECT.
// Usage: npm run build && node bench/event-store/run.mjs   (env: BENCH_SECONDS=3, BENCH_ROUNDS=5, BENCH_CATCHUP_EVENTS=100000,
// BENCH_EPHEMERAL=1 to run Postgres without fsync, BENCH_PG_STATEMENTS=1 to print each scenario's statements from
// pg_stat_statements: calls per operation and execution µs per call). Prints figures; asserts nothing.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDataSource, eventStoreMigrations, EventStore, migrate, ProjectionRunner } from '@agentry/event-store';
import { freePort, startEmbeddedPostgres } from '@agentry/local-servers';
import { reportFigure } from '../summary.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CATCHUP_EVENTS = Number(process.env.BENCH_CATCHUP_EVENTS ?? 100_000);
const EPHEMERAL = process.env.BENCH_EPHEMERAL === '1';
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
const CONCURRENCY = [1, 8, 32];
const PAYLOAD = { name: 'agent', argument: { url: 'https://example.com', depth: 3 }, tags: [1, 2, 3] };

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Appends one at a time in each of this many stores (DataSources: as many services), beside as many raw INSERT workers. */
const SERVICES = 4;

/**
 * CPU time (ns) each process of the Postgres server has used so far: the postmaster and its children (backends,
 * WAL writer, checkpointer, …), from /proc/<pid>/schedstat (nanosecond resolution, unlike /proc/<pid>/stat).
 */
function postgresCpuByPid(postmasterPid) {
  const children = readFileSync(`/proc/${postmasterPid}/task/${postmasterPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  const byPid = new Map();
  for (const pid of [String(postmasterPid), ...children]) {
    try {
      byPid.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // Exited meanwhile: its CPU since the last reading is lost (idle pool connections closing, not work).
    }
  }
  return byPid;
}

/**
 * CPU seconds this process and the Postgres server used while `work` ran. Throughput on a shared machine moves
 * with everyone else's load; the CPU an operation costs hardly does, and on a machine where the database and
 * its clients share the cores it is what bounds throughput.
 */
async function measureCpu(postmasterPid, work) {
  const pgBefore = postgresCpuByPid(postmasterPid);
  const nodeBefore = process.cpuUsage();
  const result = await work();
  const node = process.cpuUsage(nodeBefore);
  let pgNs = 0;
  for (const [pid, ns] of postgresCpuByPid(postmasterPid)) pgNs += ns - (pgBefore.get(pid) ?? 0);
  return { result, cpuSeconds: (node.user + node.system) / 1e6 + pgNs / 1e9 };
}

let postmasterPid;

/** Runs `operation(worker)` from `concurrency` workers for `seconds`; answers { done, seconds, cpuSeconds }. */
async function run(concurrency, seconds, operation) {
  const { result, cpuSeconds } = await measureCpu(postmasterPid, () => runFor(concurrency, seconds, operation));
  return { ...result, cpuSeconds };
}

async function runFor(concurrency, seconds, operation) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < deadline) {
        await operation(worker);
        done++;
      }
    }),
  );
  return { done, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * Operations per second of each contender at one concurrency. The contenders take turns in short
 * rounds, so a change in machine load during the run hits them alike.
 */
async function compare(concurrency, contenders) {
  const totals = Object.fromEntries(Object.keys(contenders).map((name) => [name, { done: 0, seconds: 0, cpuSeconds: 0, rates: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, operation] of Object.entries(contenders)) {
      const { done, seconds, cpuSeconds } = await run(concurrency, SECONDS / ROUNDS, operation);
      totals[name].done += done;
      totals[name].seconds += seconds;
      totals[name].cpuSeconds += cpuSeconds;
      totals[name].rates.push(done / seconds);
    }
  }
  return Object.fromEntries(
    Object.entries(totals).map(([name, t]) => [
      name,
      { perSecond: t.done / t.seconds, cpuMicros: (1e6 * t.cpuSeconds) / t.done, rates: t.rates, done: t.done },
    ]),
  );
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * The median of the rounds' ratios: each round measures both contenders within a second of each other, so a
 * burst of other work on the machine moves one round's ratio, not the median (the overall ratio above it
 * weights the rounds by how fast the machine happened to be).
 */
const medianRatio = (of, to) => median(of.rates.map((rate, round) => rate / to.rates[round]));

/**
 * Where Postgres spent a scenario's time, by statement (nested ones inside functions included, `track = all`):
 * calls per operation of its contender and execution µs per call (wall time inside the executor, so it grows
 * with the machine's load like everything else; compare statements of the same run). Resets the counters.
 */
async function statementsOf(rawPool, name, operations) {
  const { rows } = await rawPool.query(
    `SELECT calls, total_exec_time, toplevel, regexp_replace(query, '\\s+', ' ', 'g') AS query FROM pg_stat_statements
     WHERE query NOT LIKE '%pg_stat_statements%' AND calls > 10 ORDER BY total_exec_time DESC LIMIT 10`,
  );
  const contender = (query) => (/raw_shaped_events/.test(query) ? 'rawShaped' : /raw_events/.test(query) ? 'raw' : 'appended');
  await rawPool.query('SELECT pg_stat_statements_reset()');
  return [
    `  pg_stat_statements, ${name}: calls per operation, µs per call, statement`,
    ...rows.map((row) => {
      const perOperation = Number(row.calls) / operations[contender(row.query)];
      const micros = (1000 * row.total_exec_time) / Number(row.calls);
      return `    ${perOperation.toFixed(2).padStart(6)} ${micros.toFixed(1).padStart(7)}  ${row.toplevel ? '' : '(nested) '}${row.query.slice(0, 110)}`;
    }),
  ];
}

async function benchAppends(stores, rawPool, label) {
  const rows = [];
  const scenarios = [
    ...CONCURRENCY.map((concurrency) => ({ concurrency, name: `c=${concurrency}`, storeOf: () => stores[0] })),
    // Services append through stores of their own (a batcher each): one append at a time in each, at once.
    { concurrency: SERVICES, name: `${SERVICES} stores, c=1 each`, storeOf: (worker) => stores[worker] },
  ];
  for (const { concurrency, name, storeOf } of scenarios) {
    // Each worker appends to its own stream with an exact expected version, as a service would.
    const versions = new Array(concurrency).fill(0);
    const rates = await compare(concurrency, {
      raw: (worker) =>
        rawPool.query('INSERT INTO raw_events (stream_id, type, data) VALUES ($1, $2, $3)', [`raw-${label}-${name}-${worker}`, 'agent-saved', PAYLOAD]),
      // The same row an append stores, into a table with the events table's columns and indexes.
      rawShaped: () =>
        rawPool.query(
          `INSERT INTO raw_shaped_events (stream_id, stream_type, stream_position, event_id, type, data, metadata)
           VALUES ($1, 'agent', 1, $2, 'agent-saved', $3, '{}')`,
          [randomUUID(), randomUUID(), PAYLOAD],
        ),
      appended: async (worker) => {
        const streamId = `agent-${label}-${name}-${worker}`;
        const result = await storeOf(worker).append(streamId, 'agent', [{ type: 'agent-saved', data: PAYLOAD }], {
          expectedVersion: versions[worker],
        });
        versions[worker] = result.nextVersion;
      },
    });
    const operations = Object.fromEntries(Object.entries(rates).map(([contender, rate]) => [contender, rate.done]));
    rows.push({ concurrency, name, ...rates, statements: PG_STATEMENTS ? await statementsOf(rawPool, name, operations) : [] });
  }
  return rows;
}

async function seedLog(store, count) {
  const perAppend = 100;
  const streams = 1000;
  let last;
  for (let i = 0; i < count / perAppend; i++) {
    const events = Array.from({ length: perAppend }, () => ({ type: 'agent-saved', data: PAYLOAD }));
    last = (await store.append(`seed-${i % streams}`, 'agent', events, { expectedVersion: 'any' })).position;
  }
  return last;
}

async function benchCatchUp(dataSource, rawPool, lastPosition) {
  const [{ total }] = await dataSource.query('SELECT count(*)::integer AS total FROM events');

  const rawSelect = async () => {
    const started = process.hrtime.bigint();
    const { rowCount } = await rawPool.query(
      `SELECT global_position, transaction_id::text, stream_id, stream_type, stream_position, event_id, type,
              schema_version, data, metadata, created_at
       FROM events ORDER BY transaction_id, global_position`,
    );
    return rowCount / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const rawBefore = await rawSelect();

  let applied = 0;
  const trivial = {
    name: 'bench-trivial',
    async apply() {
      applied++;
    },
    async reset() {},
  };
  const runner = new ProjectionRunner(dataSource, [trivial]);
  const started = process.hrtime.bigint();
  await runner.start();
  await runner.waitFor(lastPosition, { timeoutMs: 600_000 });
  const catchUpPerSecond = applied / (Number(process.hrtime.bigint() - started) / 1e9);
  await runner.stop();
  // Raw SELECT measured before and after the catch-up, averaged, so load changes hit both alike.
  const rawPerSecond = (rawBefore + (await rawSelect())) / 2;
  return { total, rawPerSecond, catchUpPerSecond, applied };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(9);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentry-bench-pg-'));
  const settings = PG_STATEMENTS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {};
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: EPHEMERAL, database: 'bench', settings });
  const dataSource = createDataSource({ url: server.url, migrations: eventStoreMigrations, poolSize: 40, name: 'bench' });
  const otherServices = Array.from({ length: SERVICES - 1 }, (_, i) => createDataSource({ url: server.url, poolSize: 4, name: `bench-service-${i + 2}` }));
  const rawPool = new pg.Pool({ connectionString: server.url, max: 40 });
  // Idle clients still closing when the server stops report it as an error: nothing to do then.
  rawPool.on('error', () => undefined);
  try {
    await dataSource.initialize();
    await migrate(dataSource);
    for (const other of otherServices) await other.initialize();
    await rawPool.query(
      `CREATE TABLE raw_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL,
                                type text NOT NULL, data jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    await rawPool.query('CREATE TABLE raw_shaped_events (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)');
    const store = new EventStore(dataSource);
    const stores = [store, ...otherServices.map((other) => new EventStore(other))];
    postmasterPid = server.pid;

    console.log(`event-store benchmark (Postgres ${EPHEMERAL ? 'without fsync' : 'with fsync'}, ${SECONDS} s per figure)`);
    // Warm up connections, prepared statements and caches before measuring.
    for (let i = 0; i < 300; i++) {
      await store.append(`warmup-${i % 10}`, 'agent', [{ type: 'agent-saved', data: PAYLOAD }], { expectedVersion: 'any' });
      await rawPool.query('INSERT INTO raw_events (stream_id, type, data) VALUES ($1, $2, $3)', ['warmup', 'agent-saved', PAYLOAD]);
    }
    if (PG_STATEMENTS) {
      await rawPool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await rawPool.query('SELECT pg_stat_statements_reset()');
    }
    console.log(
      `\nappend one event (${ROUNDS} rounds)  raw INSERT/s  same-shape/s   append/s  append/raw (median of rounds)  append/same-shape` +
        '   CPU µs per op: raw  same-shape  append  raw/append',
    );
    const appendRows = await benchAppends(stores, rawPool, 'bench');
    for (const row of appendRows) {
      const [raw, shaped, appended] = [row.raw, row.rawShaped, row.appended];
      const roundsRatio = `${medianRatio(appended, raw).toFixed(2)}x`;
      console.log(
        `  ${row.name.padEnd(22)} ${fmt(raw.perSecond)}     ${fmt(shaped.perSecond)}  ${fmt(appended.perSecond)}` +
          `   ${ratio(appended.perSecond, raw.perSecond)} (${roundsRatio})            ${ratio(appended.perSecond, shaped.perSecond)}` +
          `          ${fmt(raw.cpuMicros)} ${fmt(shaped.cpuMicros)} ${fmt(appended.cpuMicros)}  ${ratio(raw.cpuMicros, appended.cpuMicros)}`,
      );
      const aim = row.name === 'c=1' ? '≥ 0.8x' : row.concurrency >= 32 ? '≥ 1x' : '';
      reportFigure({
        bench: 'event-store',
        measure: `appends/s, one event each, ${row.name}`,
        figure: fmt(appended.perSecond).trim(),
        baseline: `raw INSERT ${fmt(raw.perSecond).trim()}`,
        ratio: `${ratio(appended.perSecond, raw.perSecond)} (median of ${ROUNDS} rounds ${roundsRatio})`,
        aim,
      });
      // What bounds throughput once the cores are busy, and moves far less with the machine's other load.
      reportFigure({
        bench: 'event-store',
        measure: `CPU µs per append (client + Postgres), ${row.name}`,
        figure: fmt(appended.cpuMicros).trim(),
        baseline: `raw INSERT ${fmt(raw.cpuMicros).trim()}`,
        ratio: `${ratio(raw.cpuMicros, appended.cpuMicros)} (raw ÷ append: appends per raw INSERT's CPU)`,
        aim,
      });
    }
    console.log("  (raw: 5-column table with one index; same-shape: the events table's columns and all three of its indexes)");

    for (const line of appendRows.flatMap((row) => row.statements)) console.log(line);

    const last = await seedLog(store, CATCHUP_EVENTS);
    const catchUp = await benchCatchUp(dataSource, rawPool, last);
    console.log(`\nwhole-log catch-up (${catchUp.total.toLocaleString('en-US')} events)   raw SELECT/s  projection/s  ratio`);
    console.log(
      `  read + trivial apply             ${fmt(catchUp.rawPerSecond)}     ${fmt(catchUp.catchUpPerSecond)}   ${ratio(catchUp.catchUpPerSecond, catchUp.rawPerSecond)}`,
    );
    console.log('\naims: append >= 0.80x raw at every concurrency; catch-up >= 50,000 events/s');
  } finally {
    await rawPool.end();
    for (const source of [dataSource, ...otherServices]) if (source.isInitialized) await source.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
