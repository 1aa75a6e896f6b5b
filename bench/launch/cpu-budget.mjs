// Where a run's CPU goes (issue 14): launches a one-line script through the gateway
// (`output=event-stream`, as bench/launch/run.mjs does) with BENCH_CONCURRENCY at once for BENCH_SECONDS,
// and prints the CPU milliseconds each process of the platform spent per completed run — gateway,
// registry, executor (its own and its reaped children's, i.e. the sandboxed scripts), output, scheduler,
// notifier, postgres (postmaster, backends and exited backends), nats — beside the CPU a bare
// `node script.js` spawn costs in the same run. Read from Linux /proc (utime+stime+cutime+cstime), so
// the figures hold on a loaded machine where wall times do not.
// BENCH_CPU_PROF=<dir>: each service's CPU is also sampled during the measured launches (cpu-profile-preload.mjs)
// and its profile written there (open in Chrome DevTools, or summarise with bench/launch/profile-top.mjs).
// Usage: npm run build && node bench/launch/cpu-budget.mjs   (env: BENCH_SECONDS=20, BENCH_CONCURRENCY=4,
// BENCH_ISOLATION=auto|bubblewrap|none, BENCH_BARE_RUNS=100). Asserts nothing.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createAgent, startPlatform } from './platform.mjs';
import { readEventStream } from './sse-client.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ISOLATION = process.env.BENCH_ISOLATION ?? 'auto';
const BARE_RUNS = Number(process.env.BENCH_BARE_RUNS ?? 100);
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
const WARMUP_RUNS = 20;
const IDLE_SECONDS = 5;
const SCRIPT = "console.log('first line');\n";
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** { parent, ownMs, reapedMs } of one process, or undefined when it is gone. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ms = (ticks) => (Number(ticks) * 1000) / CLOCK_TICKS_PER_SECOND;
    return { parent: Number(f[1]), ownMs: ms(f[11]) + ms(f[12]), reapedMs: ms(f[13]) + ms(f[14]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU ms of a process and everything under it: its own, its reaped children's, and its live
 * descendants' (a live child's time is not in the parent's reaped figure until it is waited for).
 */
function treeCpuMs(root) {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s) parentOf.set(Number(entry), s);
  }
  let total = 0;
  for (const [pid, s] of parentOf) {
    let p = pid;
    while (p && p !== root && parentOf.has(p)) p = parentOf.get(p).parent;
    if (p === root) total += s.ownMs + s.reapedMs;
  }
  return total;
}

function bareRun(file) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', resolvePromise);
  });
}

async function launchOnce(platform, agentId) {
  let lines = 0;
  await readEventStream(`${platform.baseUrl}/api/v1/agent/${agentId}/launch?output=event-stream`, platform.key, () => lines++);
  if (lines === 0) throw new Error('a launch ended without output');
}

async function saturate(once, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        await once();
        done++;
      }
    }),
  );
  return done;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'agentry-bench-cpu-'));
  const file = join(dir, 'script.js');
  await writeFile(file, SCRIPT);
  if (PROFILE_DIR) await mkdir(PROFILE_DIR, { recursive: true });
  // --cpu-prof itself is not allowed in NODE_OPTIONS: a preload starts the inspector's profiler instead.
  const preload = new URL('./cpu-profile-preload.mjs', import.meta.url).pathname;
  const extraEnv = (name) => (PROFILE_DIR ? { NODE_OPTIONS: `--import=${preload}`, CPU_PROFILE_DIR: join(PROFILE_DIR, name) } : {});
  let platform;
  try {
    console.log(
      `CPU budget: ${SECONDS} s of launches at concurrency ${CONCURRENCY}, isolation ${ISOLATION}${PROFILE_DIR ? `, profiles in ${PROFILE_DIR}` : ''}`,
    );
    const pgSettings = PG_STATEMENTS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {};
    platform = await startPlatform({ slots: CONCURRENCY, isolation: ISOLATION, extraEnv, pgSettings });
    const db = PG_STATEMENTS ? new pg.Client({ connectionString: platform.databaseUrl }) : undefined;
    await db?.connect();
    await db?.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const agentId = await createAgent(platform, 'bench_cpu_budget', SCRIPT, CONCURRENCY);
    for (let i = 0; i < WARMUP_RUNS; i++) await launchOnce(platform, agentId);

    const names = Object.keys(platform.pids);
    // What the platform costs doing nothing (pollers, heartbeats): part of every run's figure below.
    const idleBefore = Object.fromEntries(names.map((name) => [name, treeCpuMs(platform.pids[name])]));
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle = Object.fromEntries(names.map((name) => [name, (treeCpuMs(platform.pids[name]) - idleBefore[name]) / IDLE_SECONDS]));

    const load = loadavg()[0];
    const before = Object.fromEntries(names.map((name) => [name, treeCpuMs(platform.pids[name])]));
    // The process itself, without its children (the executor's runs, Postgres's backends).
    const ownBefore = Object.fromEntries(names.map((name) => [name, stat(platform.pids[name]).ownMs]));
    const services = names.filter((name) => name !== 'postgres' && name !== 'nats');
    const toggleProfiles = () => PROFILE_DIR && services.forEach((name) => process.kill(platform.pids[name], 'SIGWINCH'));
    toggleProfiles();
    await db?.query('SELECT pg_stat_statements_reset()');
    const started = Date.now();
    const runs = await saturate(() => launchOnce(platform, agentId), SECONDS);
    const wallSeconds = (Date.now() - started) / 1000;
    const spent = Object.fromEntries(names.map((name) => [name, treeCpuMs(platform.pids[name]) - before[name]]));
    const own = Object.fromEntries(names.map((name) => [name, stat(platform.pids[name]).ownMs - ownBefore[name]]));
    toggleProfiles();
    const statements = db
      ? (
          await db.query(
            `SELECT calls, total_exec_time, rows, query FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 40`,
          )
        ).rows
      : [];
    await db?.end();

    // The bare baseline: this process's reaped children are only these spawns (the services live on).
    const bareBefore = stat(process.pid).reapedMs;
    for (let i = 0; i < BARE_RUNS; i++) await bareRun(file);
    const bareMs = (stat(process.pid).reapedMs - bareBefore) / BARE_RUNS;

    const total = Object.values(spent).reduce((a, b) => a + b, 0);
    console.log(`\n${runs} runs in ${wallSeconds.toFixed(1)} s (${(runs / wallSeconds).toFixed(1)} runs/s), load average ${load.toFixed(1)} at start`);
    // "beyond idle": the run's own cost, without the idle cost of the seconds it took (which grows with the load).
    const beyondIdle = (cpuMs, idleMsPerSecond) => (cpuMs - idleMsPerSecond * wallSeconds) / runs;
    console.log('\nCPU per completed run     all    beyond idle   own process   (idle: CPU ms per second with no run)');
    for (const name of [...names].sort((a, b) => spent[b] - spent[a])) {
      console.log(
        `  ${name.padEnd(12)} ${(spent[name] / runs).toFixed(1).padStart(8)} ms ${beyondIdle(spent[name], idle[name]).toFixed(1).padStart(8)} ms ${(own[name] / runs).toFixed(1).padStart(10)} ms   (idle ${idle[name].toFixed(1)} ms/s)`,
      );
    }
    const idleTotal = Object.values(idle).reduce((a, b) => a + b, 0);
    console.log(
      `  ${'all'.padEnd(12)} ${(total / runs).toFixed(1).padStart(8)} ms ${beyondIdle(total, idleTotal).toFixed(1).padStart(8)} ms   (idle ${idleTotal.toFixed(1)} ms/s)`,
    );
    console.log(`  ${'bare spawn'.padEnd(12)} ${bareMs.toFixed(1).padStart(8)} ms   (ratio all / bare ${(total / runs / bareMs).toFixed(2)}x)`);
    if (statements.length) {
      console.log('\nPostgres statements per completed run (pg_stat_statements, by total execution time)');
      console.log('   calls/run  exec ms/run  rows/call  statement');
      for (const s of statements) {
        const text = s.query.replace(/\s+/g, ' ').slice(0, 140);
        console.log(
          `  ${(s.calls / runs).toFixed(2).padStart(10)} ${(s.total_exec_time / runs).toFixed(2).padStart(12)} ${(s.rows / Math.max(1, s.calls)).toFixed(1).padStart(10)}  ${text}`,
        );
      }
    }
  } finally {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
