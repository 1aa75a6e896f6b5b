// The process runner measured beside bare `node script.js` spawns, in one run, taking turns: spawn or
// hand-out → first stdout line, p50 / p99; how long the executor's own start call takes (startRun resolving:
// folder, storage, cgroup, spawn — or, warm, the run's files written and its storage bound into a waiting
// sandbox; wall time and this process's CPU time); completed runs per second with `concurrency` at once. Used by spawn-baseline.mjs (every mode)
// and run.mjs (bare vs warm pool, for `npm run bench`). Needs apps/executor built. Asserts nothing.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isolationAvailable, NO_SANDBOX_WARNING, startRun, WarmPool } from '@agentry/executor/process';

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

/** A contender: `once()` for a sequential sample (a warm pool first waits for an idle runner: launches not back to back), `busy()` at saturation. */
function contender(name, once, busy = once) {
  return { name, once, busy };
}

/**
 * Measures each contender, in turns: `runs` sequential samples each (interleaved run by run), then
 * `seconds` at `concurrency` split in rounds (contender by contender). Answers figures per contender name.
 */
async function measure(contenders, { runs, seconds, concurrency, rounds = 5 }) {
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
  const totals = new Map(contenders.map((c) => [c.name, { done: 0, seconds: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const t = totals.get(c.name);
      const until = now() + (seconds * 1000) / rounds;
      const started = now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (now() < until) {
            await c.busy();
            t.done++;
          }
        }),
      );
      t.seconds += (now() - started) / 1000;
    }
  }
  return Object.fromEntries(
    contenders.map((c) => {
      const s = samples.get(c.name);
      const t = totals.get(c.name);
      return [
        c.name,
        { firstLine: stats(s.firstLine), done: stats(s.done), start: stats(s.start), startCpu: stats(s.startCpu), perSecond: t.done / t.seconds },
      ];
    }),
  );
}

async function waitForIdle(pool) {
  while (pool.idleCount === 0) await new Promise((resolve) => setTimeout(resolve, 1));
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
          ),
        );
      }
    }
    const results = await measure(contenders, { runs, seconds, concurrency });
    const warmShare = Object.fromEntries(Object.entries(warmPools).map(([name, { pool, runs }]) => [name, pool.handedOut / runs]));
    return { sandbox, results, warmShare, baseline: results['bare node script.js'] };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await rm(root, { recursive: true, force: true });
  }
}

/** Prints one line per mode, ratios to the bare spawn. */
export function printRunnerModes({ results, baseline, warmShare }) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(38)} first line p50 ${r.firstLine.p50.toFixed(1)} ms (${ratio(r.firstLine.p50, baseline.firstLine.p50)}), ` +
        `p99 ${r.firstLine.p99.toFixed(1)} ms; start call p50 ${r.start.p50.toFixed(1)} ms (CPU ${r.startCpu.p50.toFixed(1)} ms); spawn→outcome p50 ${r.done.p50.toFixed(1)} ms; ` +
        `${r.perSecond.toFixed(1)} runs/s (${ratio(r.perSecond, baseline.perSecond)})` +
        (name in warmShare ? `; ${(warmShare[name] * 100).toFixed(0)}% of its runs warm` : ''),
    );
  }
}
