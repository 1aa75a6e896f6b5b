// Scheduler benchmark (issue 4): N active rate schedules in the event log, the built scheduler service
// (apps/scheduler/dist/main.js) as a child process on embedded Postgres and NATS. In one run:
//  (a) start-up: spawn → every schedule in the read model (projection catch-up from an empty checkpoint),
//      beside a raw SELECT of the events it reads and of the rows it builds, with the CPU seconds the
//      scheduler and Postgres spent on it (wall time on a shared machine mostly measures the others);
//      then a warm restart: stop, spawn again → firing (lock taken) with the read model at the log's end;
//  (b) memory per schedule: the scheduler's RSS / heap after a full GC with N schedules minus the same on
//      an empty log, ÷ N (the read model lives in Postgres: its table size ÷ N is printed too);
//  (c) firing with a real clock over BENCH_SECONDS: lag (stub executor's receipt − planned fire) p50 / p99
//      beside a bare setTimeout loop's lag for the same planned instants; CPU per fire (the scheduler's
//      process.cpuUsage delta ÷ fires); duplicate or missing launches.
// Launches go to a stub NATS responder on the executor's launch subject (no containers run: 2 cores could
// not start hundreds a second), so the figures are the scheduler's own. Flexible window 0 (no jitter).
// Usage: npm run build && node bench/scheduler/run.mjs   (env: BENCH_AGENTS=100000, BENCH_RATE_MINUTES=8
// (fires/s = agents ÷ rate in seconds), BENCH_SECONDS=60, BENCH_LEAD_SECONDS=180 (first fires this long after
// seeding starts: seeding and start-up happen before), BENCH_WARMUP_SECONDS=10, BENCH_TICK_MS (scheduler's
// SCHEDULER_TICK_MS; its default when unset), BENCH_VERBOSE=1). Prints figures; asserts nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createDataSource, EventStore, eventStoreMigrations } from '@agentry/event-store';
import { treeCpu, treeCpuSince } from './process-cpu.mjs';
import { startSchedulerProcess } from './scheduler-process.mjs';
import { seedAgents } from './seed.mjs';
import { startStubExecutor } from './stub-executor.mjs';
import { benchWorkspace } from '../workspace.mjs';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 100_000);
const RATE_MINUTES = Number(process.env.BENCH_RATE_MINUTES ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LEAD_MS = Number(process.env.BENCH_LEAD_SECONDS ?? 180) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10) * 1000;
const TICK_MS = process.env.BENCH_TICK_MS;
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const PERIOD_MS = RATE_MINUTES * 60_000;
const DRAIN_MS = 5000;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), n: sorted.length };
};
const fmtMs = (n) => `${n.toFixed(1)} ms`.padStart(11);
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const timed = async (fn) => {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
};

/** Every planned fire of agents 1..AGENTS in [from, to): agent i first fires at firstFire(i), then every PERIOD_MS. */
function plannedFires(firstFire, from, to) {
  const fires = [];
  for (let agentId = 1; agentId <= AGENTS; agentId++) {
    const first = firstFire(agentId);
    for (let at = first + Math.max(0, Math.ceil((from - first) / PERIOD_MS)) * PERIOD_MS; at < to; at += PERIOD_MS) fires.push(at);
  }
  return fires;
}

/** Lag of a bare setTimeout armed for each planned instant (the floor any timer-driven firer stands on). */
function timerLags(instants) {
  return Promise.all(instants.map((at) => new Promise((resolve) => setTimeout(() => resolve(Date.now() - at), Math.max(0, at - Date.now())))));
}

async function waitUntil(check, what, timeoutMs = 600_000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function main() {
  const workspace = await benchWorkspace('scheduler');
  const { stops } = workspace;
  try {
    const postgres = await workspace.startPostgres();
    const nats = await workspace.startNats();
    const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    pool.on('error', () => undefined);
    stops.push(() => pool.end());
    const count = async (sql) => Number((await pool.query(sql)).rows[0].n);
    const stub = await startStubExecutor(nats.url);
    stops.push(() => stub.close());
    const env = { DATABASE_URL: postgres.url, NATS_URL: nats.url, ...(TICK_MS ? { SCHEDULER_TICK_MS: TICK_MS } : {}) };
    const firerConnected = () => count(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'agentry-scheduler-firer'`).then((n) => n > 0);

    console.log(
      `scheduler benchmark: ${fmtInt(AGENTS)} rate schedules every ${RATE_MINUTES} min (${(AGENTS / (PERIOD_MS / 1000)).toFixed(0)} fires/s), ` +
        `${SECONDS} s window, tick ${TICK_MS ?? 'default'} ms, launches answered by a stub executor on NATS (no containers)`,
    );

    // The scheduler on an empty log: the memory baseline (it also creates the schema).
    const emptyStart = await timed(async () => {
      const scheduler = startSchedulerProcess(env, { verbose: VERBOSE });
      await waitUntil(firerConnected, 'the empty scheduler');
      return scheduler;
    });
    const empty = emptyStart.value;
    await sleep(2000);
    const emptyProbe = await empty.probe();
    await empty.stop();
    await waitUntil(async () => !(await firerConnected()), 'the empty scheduler to disconnect');

    const seedStart = Date.now();
    const firstFire = (agentId) => seedStart + LEAD_MS + Math.floor(((agentId - 1) * PERIOD_MS) / AGENTS);
    const dataSource = createDataSource({ url: postgres.url, migrations: eventStoreMigrations, poolSize: 4, name: 'bench-seed' });
    await dataSource.initialize();
    stops.push(() => dataSource.destroy());
    const seeded = await timed(() =>
      seedAgents({ dataSource, store: new EventStore(dataSource), count: AGENTS, rateMinutes: RATE_MINUTES, savedAtOf: (id) => firstFire(id) - PERIOD_MS }),
    );
    console.log(`\nseeded ${fmtInt(AGENTS * 2)} events (${fmtInt(AGENTS)} agents) in ${(seeded.ms / 1000).toFixed(1)} s`);

    // (a) start-up: spawn → every schedule planned in the read model. Polled through the projection's
    // checkpoint (one row) rather than by counting the planned rows: a count over the growing table every
    // poll cost Postgres a CPU-second the scheduler was competing for. The count is checked once after.
    const checkpointAtEnd = () =>
      count(`SELECT count(*)::int AS n FROM projection_checkpoints c
             WHERE c.name = 'scheduler:agents' AND (c.transaction_id, c.global_position) >=
               (SELECT transaction_id, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1)`).then((n) => n === 1);
    const postgresCpuBefore = treeCpu(postgres.pid);
    const startup = await timed(async () => {
      const scheduler = startSchedulerProcess(env, { verbose: VERBOSE });
      stops.push(() => scheduler.stop());
      await waitUntil(checkpointAtEnd, 'the catch-up', 600_000, 20);
      return scheduler;
    });
    const postgresCpuMs = treeCpuSince(postgres.pid, postgresCpuBefore);
    let scheduler = startup.value;
    const plannedRows = await count(`SELECT count(*)::int AS n FROM scheduler_agents WHERE next_fire_at IS NOT NULL`);
    if (plannedRows !== AGENTS) throw new Error(`the read model has ${plannedRows} planned schedules at its checkpoint, not ${AGENTS}`);
    const loadedProbe = await scheduler.probe();
    const schedulerCpuMs = (loadedProbe.cpu.user + loadedProbe.cpu.system) / 1000;
    const rawCpuBefore = { bench: process.cpuUsage(), postgres: treeCpu(postgres.pid) };
    const rawEvents = await timed(async () => (await pool.query(`SELECT * FROM events ORDER BY transaction_id, global_position`)).rowCount);
    const rawBenchCpu = process.cpuUsage(rawCpuBefore.bench);
    const rawCpuMs = (rawBenchCpu.user + rawBenchCpu.system) / 1000 + treeCpuSince(postgres.pid, rawCpuBefore.postgres);
    const rawRows = await timed(async () => (await pool.query(`SELECT * FROM scheduler_agents`)).rowCount);
    const tableBytes = await count(`SELECT pg_total_relation_size('scheduler_agents')::bigint AS n`);

    console.log('\nstart-up (catch-up of an empty read model)        time     per second');
    console.log(
      `  scheduler: spawn → ${fmtInt(AGENTS)} schedules planned  ${(startup.ms / 1000).toFixed(2).padStart(6)} s  ${fmtInt((AGENTS * 2) / (startup.ms / 1000)).padStart(9)} events/s`,
    );
    console.log(`  scheduler on an empty log: spawn → firing      ${(emptyStart.ms / 1000).toFixed(2).padStart(6)} s  (process start, schema, connections)`);
    const emptyCpuMs = (emptyProbe.cpu.user + emptyProbe.cpu.system) / 1000;
    console.log(
      `  CPU during it: scheduler ${(schedulerCpuMs / 1000).toFixed(2)} s (whole process; ${(emptyCpuMs / 1000).toFixed(2)} s on the empty log), Postgres ${(postgresCpuMs / 1000).toFixed(2)} s (postmaster and live backends, the bench's checkpoint polls included)`,
    );
    console.log(
      `  CPU of the raw SELECT below (client + Postgres): ${(rawCpuMs / 1000).toFixed(2)} s   (start-up ${((schedulerCpuMs + postgresCpuMs) / rawCpuMs).toFixed(1)}x in CPU)`,
    );
    console.log(
      `  raw SELECT of the ${fmtInt(rawEvents.value)} events          ${(rawEvents.ms / 1000).toFixed(2).padStart(6)} s  ${fmtInt(rawEvents.value / (rawEvents.ms / 1000)).padStart(9)} rows/s   (scheduler ${(startup.ms / rawEvents.ms).toFixed(1)}x)`,
    );
    console.log(
      `  raw SELECT of the ${fmtInt(rawRows.value)} read-model rows  ${(rawRows.ms / 1000).toFixed(2).padStart(6)} s  ${fmtInt(rawRows.value / (rawRows.ms / 1000)).padStart(9)} rows/s`,
    );
    console.log('  aim: ≤ 5 s');

    // Warm restart: the read model and its checkpoint are stored, so a restart reads only what came after.
    await scheduler.stop();
    await waitUntil(async () => !(await firerConnected()), 'the scheduler to disconnect');

    const restart = await timed(async () => {
      const restarted = startSchedulerProcess(env, { verbose: VERBOSE });
      stops.push(() => restarted.stop());
      await waitUntil(async () => (await firerConnected()) && (await checkpointAtEnd()), 'the restarted scheduler', 600_000, 20);
      return restarted;
    });
    scheduler = restart.value;
    console.log(`  warm restart: spawn → firing, read model at the log's end  ${(restart.ms / 1000).toFixed(2).padStart(6)} s`);

    const perSchedule = (after, before) => (after - before) / AGENTS;
    console.log('\nmemory per schedule (scheduler process after a full GC, N schedules − empty log, ÷ N)');
    console.log(
      `  RSS   ${fmtInt(emptyProbe.memory.rss / 2 ** 20)} MiB → ${fmtInt(loadedProbe.memory.rss / 2 ** 20)} MiB   ${perSchedule(loadedProbe.memory.rss, emptyProbe.memory.rss).toFixed(1)} bytes/schedule`,
    );
    console.log(
      `  heap  ${(emptyProbe.memory.heapUsed / 2 ** 20).toFixed(1)} MiB → ${(loadedProbe.memory.heapUsed / 2 ** 20).toFixed(1)} MiB   ${perSchedule(loadedProbe.memory.heapUsed, emptyProbe.memory.heapUsed).toFixed(1)} bytes/schedule`,
    );
    console.log(`  Postgres read model (scheduler_agents with indexes): ${(tableBytes / AGENTS).toFixed(0)} bytes/schedule`);

    // (c) firing over a real-clock window, once the first fires and a warm-up are behind.
    const windowStart = Math.max(Date.now(), seedStart + LEAD_MS) + WARMUP_MS;
    const windowEnd = windowStart + SECONDS * 1000;
    const planned = plannedFires(firstFire, windowStart, windowEnd);
    const timerLagsDone = timerLags(planned);
    await sleep(windowStart - Date.now());
    const cpuStart = (await scheduler.probe()).cpu;
    await sleep(windowEnd - Date.now());
    const underLoad = await scheduler.probe();
    await sleep(DRAIN_MS);

    const inWindow = (t) => t >= windowStart && t < windowEnd;
    const firesInWindow = stub.arrivals.filter((a) => inWindow(a.receivedAt)).length;
    const launched = stub.arrivals.filter((a) => inWindow(a.plannedAt));
    const keys = new Set(launched.map((a) => a.key));
    const lag = summary(launched.map((a) => a.receivedAt - a.plannedAt));
    const bare = summary(await timerLagsDone);
    const cpuMicros = underLoad.cpu.user + underLoad.cpu.system - cpuStart.user - cpuStart.system;

    console.log(
      `\nfiring over ${SECONDS} s (real clock): ${fmtInt(planned.length)} planned, ${fmtInt(keys.size)} launched, ${fmtInt(launched.length - keys.size)} launched twice, ${fmtInt(planned.length - keys.size)} not launched within ${DRAIN_MS / 1000} s`,
    );
    console.log('  lag (actual − planned)             p50          p99          max');
    console.log(`  scheduler → executor request ${fmtMs(lag.p50)}  ${fmtMs(lag.p99)}  ${fmtMs(lag.max)}`);
    console.log(`  bare setTimeout, same instants ${fmtMs(bare.p50)}  ${fmtMs(bare.p99)}  ${fmtMs(bare.max)}`);
    console.log(`  aim: p99 ≤ 100 ms`);
    console.log(
      `  CPU per fire: ${(cpuMicros / 1000 / firesInWindow).toFixed(2)} ms (scheduler process, ${fmtInt(firesInWindow)} fires, ${(cpuMicros / 1e4 / SECONDS).toFixed(0)}% of one core; Postgres not counted)`,
    );
    console.log(
      `  scheduler under load (after GC): RSS ${fmtInt(underLoad.memory.rss / 2 ** 20)} MiB, heap ${(underLoad.memory.heapUsed / 2 ** 20).toFixed(1)} MiB`,
    );
  } finally {
    await workspace.stop();
  }
}

await main();
