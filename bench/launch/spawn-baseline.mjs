// Process-runner baseline (issues 3, 14): what one run costs on top of a bare `node script.js`.
// For each mode — bare spawn, startRun cold and on a warm pool (warm-pool.ts), in bubblewrap without
// network and with it (auto: slirp4netns when installed), or without isolation where bubblewrap is not
// usable — prints spawn (or hand-out) → first stdout line p50 / p99, the start call's own time, spawn →
// outcome p50, and completed runs per second with BENCH_CONCURRENCY at once, plus the ratios to the bare
// spawn. Asserts nothing.
// Usage: npx turbo run build --filter=@agentry/executor && node bench/launch/spawn-baseline.mjs
//        (env: BENCH_RUNS=40, BENCH_CONCURRENCY=4, BENCH_SECONDS=5)
import { measureRunnerModes, printRunnerModes } from './runner-modes.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 40);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);

console.log(`${runs} sequential runs per mode (taking turns; a warm pool's waits for an idle runner), then ${seconds} s at concurrency ${concurrency}`);
const measured = await measureRunnerModes({ runs, seconds, concurrency });
if (!measured.sandbox) console.log('bubblewrap not usable here: runs without isolation');
printRunnerModes(measured);
