// Process-runner baseline (issue 3): what one run costs on top of a bare `node script.js`.
// For each mode — bare spawn, startRun without isolation, startRun in bubblewrap (no network),
// startRun in bubblewrap with network (slirp4netns, when installed) — prints spawn → first stdout
// line p50 / p99, spawn → outcome p50, and completed runs per second with BENCH_CONCURRENCY at
// once, plus the ratios to the bare spawn. Asserts nothing.
// Usage: npm run build && node bench/launch/spawn-baseline.mjs   (env: BENCH_RUNS=40, BENCH_CONCURRENCY=4, BENCH_SECONDS=5)
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isolationAvailable, NO_SANDBOX_WARNING, startRun } from '@agentry/executor/process';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = 3;
const SCRIPT = "console.log('first line');\n";
const LIMITS = { timeLimitSeconds: 60, maxTimeLimitSeconds: 600, memoryMb: 512, maxFileDescriptors: 1024, maxProcesses: 256, cpuPercent: 100, diskMb: 256 };

const now = () => performance.now();
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** Resolves once `chunks` (concatenated) hold a newline. */
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
  return Promise.all([firstLine, done]).then(([line]) => ({ firstLineMs: line - started, doneMs: now() - started }));
}

let nextId = 1;
function runnerRun(root, isolation, network) {
  const started = now();
  let deliver;
  const firstLine = firstLineOf((on) => (deliver = on));
  const running = startRun(
    {
      containerId: nextId++,
      agentId: 1,
      orgId: 1,
      scriptName: 'script.js',
      scriptText: SCRIPT,
      argument: {},
      env: {},
      workRoot: join(root, 'work'),
      storageDir: join(root, 'storage'),
      limits: LIMITS,
      retryNumber: 0,
      isolation,
      network,
    },
    // The script's own first line: the warning an unsandboxed run starts with is the runner's, written at once.
    { onOutput: (_offset, chunk) => chunk.toString() !== NO_SANDBOX_WARNING && deliver(chunk.toString()), onRequest: async () => null },
  );
  return running.then(async (run) => {
    const [line, outcome] = await Promise.all([firstLine, run.outcome]);
    if (outcome.reason !== 'exited' || outcome.exitCode !== 0) throw new Error(`run failed: ${JSON.stringify(outcome)}`);
    return { firstLineMs: line - started, doneMs: now() - started };
  });
}

async function measure(once) {
  for (let i = 0; i < WARMUP; i++) await once();
  const firstLines = [];
  const dones = [];
  for (let i = 0; i < RUNS; i++) {
    const { firstLineMs, doneMs } = await once();
    firstLines.push(firstLineMs);
    dones.push(doneMs);
  }
  let completed = 0;
  const until = now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (now() < until) {
        await once();
        completed++;
      }
    }),
  );
  return { firstLine: stats(firstLines), done: stats(dones), perSecond: completed / SECONDS };
}

const root = await mkdtemp(join(tmpdir(), 'agentry-spawn-bench-'));
// The run user (when we are root) passes through it to its run folder.
await chmod(root, 0o711);
try {
  const scriptFile = join(root, 'script.cjs');
  await writeFile(scriptFile, SCRIPT);
  const sandbox = (await isolationAvailable()) === 'bubblewrap';
  const modes = [
    ['bare node script.js', () => bareRun(scriptFile)],
    ['startRun, no isolation', () => runnerRun(root, 'none', 'none')],
    ...(sandbox ? [['startRun, bubblewrap, no network', () => runnerRun(root, 'bubblewrap', 'none')]] : []),
    ...(sandbox ? [['startRun, bubblewrap, network (auto)', () => runnerRun(root, 'bubblewrap', 'auto')]] : []),
  ];
  console.log(
    `${RUNS} sequential runs per mode (+${WARMUP} warm-up), then ${SECONDS} s at concurrency ${CONCURRENCY}${sandbox ? '' : ' — bubblewrap not usable here'}`,
  );
  let baseline = null;
  for (const [name, once] of modes) {
    const result = await measure(once);
    baseline ??= result;
    const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
    console.log(
      `${name.padEnd(38)} first line p50 ${result.firstLine.p50.toFixed(1)} ms (${ratio(result.firstLine.p50, baseline.firstLine.p50)}), ` +
        `p99 ${result.firstLine.p99.toFixed(1)} ms; spawn→outcome p50 ${result.done.p50.toFixed(1)} ms; ` +
        `${result.perSecond.toFixed(1)} runs/s (${ratio(result.perSecond, baseline.perSecond)})`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
