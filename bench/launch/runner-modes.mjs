// The process runner measured beside bare `node script.js` spawns, in one run, taking turns: spawn or
// hand-out → first stdout line, p50 / p99; how long the executor's own start call takes (startRun resolving:
// folder, storage, cgroup, spawn — or, warm, the run's files written and its storage bound into a waiting
// sandbox; wall time and this process's CPU time); completed runs per second with `concurrency` at once, and
// the CPU every process of the bench's tree spent per completed run then (runner, sandboxes, slirp4netns, ip,
// scripts — cpuAccount below). Used by spawn-baseline.mjs (every mode) and run.mjs (bare vs warm pool, for
// `npm run bench`). Needs apps/executor built. Asserts nothing.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
// BENCH_PROCESS_RUNNER: the path of another build's process/index.js, for an A/B of two builds of the runner.
const { isolationAvailable, NO_SANDBOX_WARNING, startRun, WarmPool } = await import(process.env.BENCH_PROCESS_RUNNER ?? '@agentry/executor/process');

const SCRIPT = "console.log('first line');\n";
const LIMITS = { timeLimitSeconds: 60, maxTimeLimitSeconds: 600, memoryMb: 512, maxFileDescriptors: 1024, maxProcesses: 256, cpuPercent: 100, diskMb: 256 };
const WARMUP = 3;

const now = () => performance.now();
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** Resolves with the time the first newline arrives through `subscribe`'s chunks. */
function firstLineOf(subscribe) {
  return new Promise((resolve) => {
    let seen = '';
    subscribe((chunk) => {
      if (seen.includes('\n')) return;
      seen += chunk;
      if (seen.includes('\n')) resolve(now());
    });
  });
}

function bareRun(scriptFile) {
  const started = now();
  // The same minimal environment a run gets (a NODE_EXTRA_CA_CERTS or NODE_OPTIONS here would slow node's start).
  const child = spawn(process.execPath, [scriptFile], { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' } });
  const firstLine = firstLineOf((on) => child.stdout.on('data', on));
  const done = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return Promise.all([firstLine, done]).then(([line]) => ({ firstLineMs: line - started, doneMs: now() - started, startMs: 0, startCpuMs: 0 }));
}

let nextId = 1;
function request(root, isolation, network) {
  const id = nextId++;
  return {
    containerId: id,
    agentId: 1,
    orgId: 1,
    scriptName: 'script.js',
    scriptText: SCRIPT,
    argument: {},
    env: {},
    workRoot: join(root, 'work'),
    storageDir: join(root, 'storage', String(id % 8)),
    limits: LIMITS,
    retryNumber: 0,
    isolation,
    network,
  };
}

/** One run through `start` (startRun, or a pool's): first line, outcome, and how long the start call itself took. */
async function runnerRun(start, req) {
  const started = now();
  const cpu = process.cpuUsage();
  let deliver;
  const firstLine = firstLineOf((on) => (deliver = on));
  // The script's own first line: the warning an unsandboxed run starts with is the runner's, written at once.
  const run = await start(req, {
    onOutput: (_offset, chunk) => chunk.toString() !== NO_SANDBOX_WARNING && deliver(chunk.toString()),
    onRequest: async () => null,
  });
  const startMs = now() - started;
  // This process's CPU while the start call ran (sequential samples: nothing else of the bench runs meanwhile).
  const used = process.cpuUsage(cpu);
  const startCpuMs = (used.user + used.system) / 1000;
  const [line, outcome] = await Promise.all([firstLine, run.outcome]);
  if (outcome.reason !== 'exited' || outcome.exitCode !== 0) throw new Error(`run failed: ${JSON.stringify(outcome)}`);
  return { firstLineMs: line - started, doneMs: now() - started, startMs, startCpuMs };
}

/**
 * CPU milliseconds this process and every process it started (and theirs) have spent so far. Exact where
 * a cgroup v1 `cpuacct` hierarchy is writable (root): the bench moves itself into a group of its own, which
 * every descendant inherits — the runner moves its runs into the memory, pids, cpu and freezer hierarchies,
 * never this one — so a sandbox's processes count even when they are reaped outside the tree. Else this
 * process and its reaped children (/proc/self/stat, 10 ms ticks), which misses what is reaped elsewhere.
 */
function cpuAccount() {
  const root = '/sys/fs/cgroup/cpuacct';
  try {
    const own = /^\d+:[^:]*\bcpuacct\b[^:]*:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
    const dir = join(root, own, `agentry-bench-${process.pid}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
    return {
      exact: true,
      ms: () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6,
      async close() {
        writeFileSync(join(root, own, 'cgroup.procs'), String(process.pid));
        // The last runs' killed processes may still wait to be reaped (by the host's init).
        for (let tries = 0; tries < 100; tries++) {
          try {
            return rmdirSync(dir);
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      },
    };
  } catch {
    return {
      exact: false,
      ms() {
        const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
        const own = process.cpuUsage();
        return (own.user + own.system) / 1000 + (Number(fields[13]) + Number(fields[14])) * 10;
      },
      async close() {},
    };
  }
}

/**
 * A contender: `once()` for a sequential sample (a warm pool first waits for an idle runner: launches not
 * back to back), `busy()` at saturation, `settled()` resolves when its background work is done (a warm pool
 * refilled), so each round's CPU is exactly what its completed runs cost.
 */
function contender(name, once, busy = once, settled = async () => {}) {
  return { name, once, busy, settled };
}

/**
 * Measures each contender, in turns: `runs` sequential samples each (interleaved run by run), then
 * `seconds` at `concurrency` split in rounds (contender by contender). Answers figures per contender name.
 */
async function measure(contenders, { runs, seconds, concurrency, rounds = 5 }, cpu) {
  for (let i = 0; i < WARMUP; i++) for (const c of contenders) await c.once();
  const samples = new Map(contenders.map((c) => [c.name, { firstLine: [], done: [], start: [], startCpu: [] }]));
  for (let i = 0; i < runs; i++) {
    for (const c of contenders) {
      const { firstLineMs, doneMs, startMs, startCpuMs } = await c.once();
      const s = samples.get(c.name);
      s.firstLine.push(firstLineMs);
      s.done.push(doneMs);
      s.start.push(startMs);
      s.startCpu.push(startCpuMs);
    }
  }
  const totals = new Map(contenders.map((c) => [c.name, { done: 0, seconds: 0, cpuMs: 0 }]));
  for (const c of contenders) await c.settled();
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const t = totals.get(c.name);
      const until = now() + (seconds * 1000) / rounds;
      const started = now();
      const cpuBefore = cpu.ms();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (now() < until) {
            await c.busy();
            t.done++;
          }
        }),
      );
      t.seconds += (now() - started) / 1000;
      // A warm pool refills what the round used: that CPU belongs to the round's runs.
      await c.settled();
      t.cpuMs += cpu.ms() - cpuBefore;
    }
  }
  return Object.fromEntries(
    contenders.map((c) => {
      const s = samples.get(c.name);
      const t = totals.get(c.name);
      return [
        c.name,
        {
          firstLine: stats(s.firstLine),
          done: stats(s.done),
          start: stats(s.start),
          startCpu: stats(s.startCpu),
          perSecond: t.done / t.seconds,
          cpuPerRun: t.cpuMs / t.done,
        },
      ];
    }),
  );
}

async function waitForIdle(pool) {
  while (pool.idleCount === 0) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function waitForRefilled(pool) {
  while (pool.warmingCount > 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Runs the comparison. `modes`: 'cold' (startRun) and / or 'warm' (a WarmPool of `concurrency` runners
 * for `concurrency` slots), each in bubblewrap without network and with it (auto) where usable, else
 * without isolation. Answers { sandbox, results: { name → figures }, warmShare: { name → share of runs on a warm runner } }.
 */
export async function measureRunnerModes({ runs = 40, seconds = 5, concurrency = 4, modes = ['cold', 'warm'], networks = ['none', 'auto'] } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'agentry-spawn-bench-'));
  // The run user (when we are root) passes through it to its run folder.
  await chmod(root, 0o711);
  const pools = [];
  const cpu = cpuAccount();
  try {
    const scriptFile = join(root, 'script.cjs');
    await writeFile(scriptFile, SCRIPT);
    const sandbox = (await isolationAvailable()) === 'bubblewrap';
    const shapes = sandbox ? networks.map((network) => ['bubblewrap', network]) : [['none', 'none']];
    const contenders = [contender('bare node script.js', () => bareRun(scriptFile))];
    const warmPools = {};
    for (const [isolation, network] of shapes) {
      const label = isolation === 'none' ? 'no isolation' : `bubblewrap, network ${network}`;
      if (modes.includes('cold')) contenders.push(contender(`startRun cold, ${label}`, () => runnerRun(startRun, request(root, isolation, network))));
      if (modes.includes('warm')) {
        const { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb } = LIMITS;
        const pool = new WarmPool({
          size: concurrency,
          maxRuns: concurrency,
          shape: { workRoot: join(root, 'work'), isolation, network, limits: { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb } },
          onProblem: (problem) => console.error(problem),
        });
        await pool.start();
        pools.push(pool);
        const name = `warm pool, ${label}`;
        warmPools[name] = { pool, runs: 0 };
        const start = (req, hooks) => {
          warmPools[name].runs++;
          return pool.startRun(req, hooks);
        };
        contenders.push(
          contender(
            name,
            async () => {
              await waitForIdle(pool);
              return runnerRun(start, request(root, isolation, network));
            },
            () => runnerRun(start, request(root, isolation, network)),
            () => waitForRefilled(pool),
          ),
        );
      }
    }
    const results = await measure(contenders, { runs, seconds, concurrency }, cpu);
    const warmShare = Object.fromEntries(Object.entries(warmPools).map(([name, { pool, runs }]) => [name, pool.handedOut / runs]));
    return { sandbox, results, warmShare, baseline: results['bare node script.js'], cpuExact: cpu.exact };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await cpu.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Prints one line per mode, ratios to the bare spawn. */
export function printRunnerModes({ results, baseline, warmShare, cpuExact }) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  console.log(
    `CPU per completed run at saturation: every process of the bench's tree (${cpuExact ? 'its own cpuacct group' : 'this process and its reaped children only: no writable cgroup v1 cpuacct'})`,
  );
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(38)} first line p50 ${r.firstLine.p50.toFixed(1)} ms (${ratio(r.firstLine.p50, baseline.firstLine.p50)}), ` +
        `p99 ${r.firstLine.p99.toFixed(1)} ms; start call p50 ${r.start.p50.toFixed(1)} ms (CPU ${r.startCpu.p50.toFixed(1)} ms); spawn→outcome p50 ${r.done.p50.toFixed(1)} ms; ` +
        `${r.perSecond.toFixed(1)} runs/s (${ratio(r.perSecond, baseline.perSecond)}), CPU ${r.cpuPerRun.toFixed(1)} ms/run (${ratio(r.cpuPerRun, baseline.cpuPerRun)}, ${((r.cpuPerRun * r.perSecond) / 1000).toFixed(2)} cores busy)` +
        (name in warmShare ? `; ${(warmShare[name] * 100).toFixed(0)}% of its runs warm` : ''),
    );
  }
}
