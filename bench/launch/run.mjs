// Launch benchmark (issues 3, 14): in one run,
//  (a) bare `node script.js` spawns: spawn → first stdout line, p50 / p99; completed runs per second
//      with BENCH_CONCURRENCY at once;
//  (b) the same script launched through the gateway (`output=event-stream`): launch request → first
//      `data:` line at the client, p50 / p99; completed launches per second at the same concurrency;
//  (c) output line → SSE client latency at 1,000 lines/s (p50 / p99 / max);
//  (d) the process runner alone with its warm pool (runner-modes.mjs): hand-out → first line p50, the
//      executor's start call p50, runs/s at BENCH_CONCURRENCY — beside bare spawns again, taking turns.
// (a) and (b) take turns (run by run, then in short throughput rounds) on the same machine state. The
// executor keeps BENCH_WARM_RUNNERS warm sandboxed runners (default BENCH_CONCURRENCY; 0: all cold).
// Usage: npm run build && node bench/launch/run.mjs   (env: BENCH_RUNS=40, BENCH_SECONDS=10,
// BENCH_CONCURRENCY=4, BENCH_WARM_RUNNERS, BENCH_ISOLATION=auto|bubblewrap|none, BENCH_LINE_SECONDS=5,
// BENCH_VERBOSE=1). Prints figures and ratios; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, startPlatform } from './platform.mjs';
import { now, readEventStream } from './sse-client.mjs';
import { reportFigure } from '../summary.mjs';
import { measureRunnerModes, printRunnerModes } from './runner-modes.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ISOLATION = process.env.BENCH_ISOLATION ?? 'auto';
const LINE_SECONDS = Number(process.env.BENCH_LINE_SECONDS ?? 5);
const WARM_RUNNERS = Number(process.env.BENCH_WARM_RUNNERS ?? CONCURRENCY);
const LINES_PER_SECOND = 1000;
const WARMUP = 3;

const SCRIPT = "console.log('first line');\n";

/** Prints `line <n> <print time>` LINES_PER_SECOND times a second, for LINE_SECONDS. */
const LINES_SCRIPT = `
const { performance } = require('node:perf_hooks');
const now = () => performance.timeOrigin + performance.now();
const total = ${LINES_PER_SECOND * LINE_SECONDS};
const start = now();
let sent = 0;
const timer = setInterval(() => {
  const due = Math.min(total, Math.floor((now() - start) * ${LINES_PER_SECOND / 1000}));
  while (sent < due) { sent++; process.stdout.write('line ' + sent + ' ' + now().toFixed(3) + '\\n'); }
  if (sent >= total) clearInterval(timer);
}, 1);
`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], n: sorted.length };
};
const ms = (n) => `${n.toFixed(1)} ms`;

/** Spawns `node file`; resolves { firstLineMs, done } where done resolves at exit. */
function bareRun(file) {
  const started = now();
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const firstLine = new Promise((resolve) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      if (seen.includes('\n')) return;
      seen += chunk;
      if (seen.includes('\n')) resolve(now() - started);
    });
  });
  return { firstLine, done };
}

/** Launch → SSE response headers of each gateway run of the latency rounds (see `latencies`). */
const headerSamples = [];

/**
 * Launches through the gateway with output=event-stream; resolves its first line's time once the stream
 * closed (container ended). `headers`: where to note when the response's headers came (the gateway sends
 * them once its feed has read the container's state, before it delivers any output: when they come after
 * the first line was printed, that line waited for the feed, not for the run).
 */
async function gatewayRun(platform, agentId, headers = null) {
  const started = now();
  let firstLineMs = null;
  await readEventStream(
    `${platform.baseUrl}/api/v1/agent/${agentId}/launch?output=event-stream`,
    platform.key,
    (_, at) => {
      firstLineMs ??= at - started;
    },
    (at) => headers?.push(at - started),
  );
  if (firstLineMs === null) throw new Error('a launch ended without output');
  return firstLineMs;
}

/**
 * First-line latency of each contender. They take turns run by run (and throughput in short
 * rounds), so a change in the machine's load during the benchmark hits them alike.
 */
async function latencies(count, contenders) {
  for (let i = 0; i < WARMUP; i++) for (const once of Object.values(contenders)) await once();
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let i = 0; i < count; i++) {
    for (const [name, once] of Object.entries(contenders)) samples[name].push(await once());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summary(values)]));
}

const ROUNDS = 5;

/** Completed runs per second of each contender with CONCURRENCY runs at once, SECONDS in all, in turns. */
async function throughput(contenders) {
  const totals = Object.fromEntries(Object.keys(contenders).map((name) => [name, { done: 0, seconds: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, once] of Object.entries(contenders)) {
      const deadline = Date.now() + (SECONDS * 1000) / ROUNDS;
      const started = now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < deadline) {
            await once();
            totals[name].done++;
          }
        }),
      );
      totals[name].seconds += (now() - started) / 1000;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, t.done / t.seconds]));
}

async function lineLatency(platform, agentId) {
  const samples = [];
  await readEventStream(`${platform.baseUrl}/api/v1/agent/${agentId}/launch?output=event-stream`, platform.key, (text, at) => {
    const match = /^line \d+ ([\d.]+)$/.exec(text);
    if (match) samples.push(at - Number(match[1]));
  });
  return summary(samples);
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'agentry-bench-bare-'));
  const file = join(dir, 'script.js');
  await writeFile(file, SCRIPT);
  let platform;
  try {
    console.log(
      `launch benchmark: ${RUNS} sequential runs each, ${SECONDS} s at concurrency ${CONCURRENCY}, isolation ${ISOLATION}, ${WARM_RUNNERS} warm runners`,
    );
    // Warm sandboxed runners (apps/executor/src/process/warm-pool.ts); 0: every run spawned cold.
    const extraEnv = (service) => (service === 'executor' ? { EXECUTOR_WARM_RUNNERS: String(WARM_RUNNERS) } : {});
    platform = await startPlatform({ slots: CONCURRENCY, isolation: ISOLATION, extraEnv });
    const agentId = await createAgent(platform, 'bench_first_line', SCRIPT, CONCURRENCY);
    const contenders = {
      async bare() {
        const run = bareRun(file);
        const firstLineMs = await run.firstLine;
        await run.done;
        return firstLineMs;
      },
      gateway: () => gatewayRun(platform, agentId),
    };
    const { bare, gateway } = await latencies(RUNS, { ...contenders, gateway: () => gatewayRun(platform, agentId, headerSamples) });
    const headers = summary(headerSamples.slice(WARMUP));
    const { bare: bareRate, gateway: gatewayRate } = await throughput(contenders);

    const linesAgentId = await createAgent(platform, 'bench_lines', LINES_SCRIPT, 1);
    const lines = await lineLatency(platform, linesAgentId);
    await platform.stop();
    platform = undefined;

    // (d) The runner alone, its warm pool beside bare spawns (sandboxed with network where usable).
    console.log(`\nprocess runner with a warm pool of ${CONCURRENCY} (runner-modes.mjs), beside bare spawns:`);
    const runner = await measureRunnerModes({ runs: RUNS, seconds: SECONDS, concurrency: CONCURRENCY, modes: ['warm'], networks: ['auto'] });
    printRunnerModes(runner);
    const [warmName, warm] = Object.entries(runner.results).find(([name]) => name.startsWith('warm pool'));

    console.log('\nlaunch → first output line          p50         p99');
    console.log(`  bare node spawn              ${ms(bare.p50).padStart(10)}  ${ms(bare.p99).padStart(10)}`);
    console.log(`  through the gateway (SSE)    ${ms(gateway.p50).padStart(10)}  ${ms(gateway.p99).padStart(10)}`);
    console.log(
      `  ratio gateway / bare         ${(gateway.p50 / bare.p50).toFixed(2).padStart(9)}x  ${(gateway.p99 / bare.p99).toFixed(2).padStart(9)}x   (aim: p50 ≤ 0.5x)`,
    );
    console.log(`  gateway: SSE headers         ${ms(headers.p50).padStart(10)}  ${ms(headers.p99).padStart(10)}   (the feed ready: no line goes out before)`);
    console.log(`\ncompleted runs per second, ${CONCURRENCY} at once`);
    console.log(`  bare node spawn              ${bareRate.toFixed(1).padStart(10)}`);
    console.log(`  through the gateway (SSE)    ${gatewayRate.toFixed(1).padStart(10)}`);
    console.log(`  ratio gateway / bare         ${(gatewayRate / bareRate).toFixed(2).padStart(9)}x   (aim: ≥ 0.8x)`);
    console.log(`\noutput line → SSE client at ${LINES_PER_SECOND} lines/s (${lines.n} of ${LINES_PER_SECOND * LINE_SECONDS} lines received)`);
    console.log(`  p50 ${ms(lines.p50)}   p99 ${ms(lines.p99)}   max ${ms(lines.max)}   (aim: p99 ≤ 10 ms)`);
    reportFigure({
      bench: 'launch',
      measure: `launch → first output line, p50 (through the gateway, ${WARM_RUNNERS} warm runners)`,
      figure: ms(gateway.p50),
      baseline: `bare node spawn ${ms(bare.p50)}`,
      ratio: `${(gateway.p50 / bare.p50).toFixed(2)}x (lower is better)`,
      aim: '≤ 0.5x',
    });
    reportFigure({
      bench: 'launch',
      measure: `completed runs/s, ${CONCURRENCY} at once (through the gateway, ${WARM_RUNNERS} warm runners)`,
      figure: gatewayRate.toFixed(1),
      baseline: `bare spawns ${bareRate.toFixed(1)}`,
      ratio: `${(gatewayRate / bareRate).toFixed(2)}x`,
      aim: '≥ 0.8x',
    });
    const bareRunner = runner.baseline;
    reportFigure({
      bench: 'launch',
      measure: `runner: hand-out → first line p50 (${warmName})`,
      figure: ms(warm.firstLine.p50),
      baseline: `bare node spawn ${ms(bareRunner.firstLine.p50)}`,
      ratio: `${(warm.firstLine.p50 / bareRunner.firstLine.p50).toFixed(2)}x (lower is better)`,
      aim: '≤ 0.5x',
    });
    reportFigure({
      bench: 'launch',
      measure: `runner: completed runs/s, ${CONCURRENCY} at once (${warmName}, ${(runner.warmShare[warmName] * 100).toFixed(0)}% warm)`,
      figure: warm.perSecond.toFixed(1),
      baseline: `bare spawns ${bareRunner.perSecond.toFixed(1)}`,
      ratio: `${(warm.perSecond / bareRunner.perSecond).toFixed(2)}x`,
      aim: '≥ 0.8x',
    });
    reportFigure({
      bench: 'launch',
      measure: 'runner: executor CPU to start a run on a warm runner (start call), p50',
      figure: ms(warm.startCpu.p50),
      baseline: `its wall time ${ms(warm.start.p50)}`,
      ratio: '',
      aim: '≤ 5 ms',
    });
    reportFigure({
      bench: 'launch',
      measure: `output line → SSE client at ${LINES_PER_SECOND} lines/s, p99`,
      figure: ms(lines.p99),
      baseline: '',
      ratio: '',
      aim: 'p99 ≤ 10 ms',
    });
  } finally {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
