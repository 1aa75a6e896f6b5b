// Process-runner baseline (issues 3, 14): what one run costs on top of a bare `node script.js`.
// For each mode — bare spawn, startRun cold and on a warm pool (warm-pool.ts), in bubblewrap without
// network and with it (auto: slirp4netns when installed), or without isolation where bubblewrap is not
// usable — prints spawn (or hand-out) → first stdout line p50 / p99, the start call's own time, spawn →
// outcome p50, completed runs per second with BENCH_CONCURRENCY at once and the CPU every process of the
// bench's tree spent per completed run then, plus the ratios to the bare spawn. Asserts nothing.
// Usage: npx turbo run build --filter=@agentry/executor && node bench/launch/spawn-baseline.mjs
//        (env: BENCH_RUNS=40, BENCH_CONCURRENCY=4, BENCH_SECONDS=5; BENCH_MODES=cold,warm and
//        BENCH_NETWORKS=none,auto pick the sandboxed modes; BENCH_PROCESS_RUNNER: another build, see runner-modes.mjs)
//
// Where a run's CPU goes, by command (every process a run passes through), from a perf recording of the
// bench's whole tree with ONE sandboxed mode picked:
//   BENCH_MODES=cold BENCH_NETWORKS=auto perf record -e task-clock -F 5000 -o /tmp/runs.perf -- node bench/launch/spawn-baseline.mjs
//   node bench/launch/spawn-baseline.mjs --by-command /tmp/runs.perf
// What one spawn costs the spawning process, by its size (every process a run starts is a fork of the
// executor first): node bench/launch/spawn-baseline.mjs --fork-cost
import { execFileSync, spawn } from 'node:child_process';
import { measureRunnerModes, printRunnerModes } from './runner-modes.mjs';

if (process.argv[2] === '--by-command') {
  printByCommand(process.argv[3] ?? 'perf.data');
} else if (process.argv[2] === '--fork-cost') {
  await printForkCost();
} else {
  const runs = Number(process.env.BENCH_RUNS ?? 40);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const modes = (process.env.BENCH_MODES ?? 'cold,warm').split(',');
  const networks = (process.env.BENCH_NETWORKS ?? 'none,auto').split(',');

  console.log(`${runs} sequential runs per mode (taking turns; a warm pool's waits for an idle runner), then ${seconds} s at concurrency ${concurrency}`);
  const measured = await measureRunnerModes({ runs, seconds, concurrency, modes, networks });
  if (!measured.sandbox) console.log('bubblewrap not usable here: runs without isolation');
  printRunnerModes(measured);
}

/**
 * CPU per run by command, from `perf script` of a task-clock recording of the bench (samples of every
 * process it started, inherited). The bench's own process is the runner (the executor's side); a process
 * it forked runs as a copy of it until its exec ("forks of the runner, before exec": the copy of a large
 * process is torn down there); a node under bwrap is a run's script, a node it spawned directly a bare
 * spawn. Runs are counted from the execs: sandboxed scripts, bare spawns. Kernel work done outside these
 * processes (e.g. a network namespace's clean-up in a kworker) is not in the recording.
 */
function printByCommand(file) {
  const lines = execFileSync('perf', ['script', '-i', file, '--show-task-events', '-F', 'comm,pid,tid,period'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).split('\n');
  // First the processes: who forked whom, what each exec'd (in order), which are under bwrap.
  let root = null;
  const parent = new Map();
  const execs = new Map();
  for (const line of lines) {
    const exec = /PERF_RECORD_COMM exec: (.*):(\d+)\/\d+$/.exec(line);
    const fork = /PERF_RECORD_FORK\((\d+):(\d+)\):\((\d+):\d+\)/.exec(line);
    if (exec) {
      const pid = Number(exec[2]);
      if (root === null && exec[1] === 'node') root = pid;
      else if (pid !== root) execs.set(pid, [...(execs.get(pid) ?? []), exec[1]]);
    } else if (fork && fork[1] === fork[2] && fork[1] !== fork[3]) parent.set(Number(fork[1]), Number(fork[3]));
  }
  const underBwrap = (pid) => {
    for (let p = pid; p !== undefined && p !== root; p = parent.get(p)) if (p !== pid && (execs.get(p) ?? []).includes('bwrap')) return true;
    return false;
  };
  const bare = (pid) => parent.get(pid) === root && (execs.get(pid) ?? [])[0] === 'node';
  const runs = { sandboxed: 0, bare: 0 };
  for (const [pid, comms] of execs) {
    if (bare(pid)) runs.bare++;
    else if (comms.at(-1) === 'node' && underBwrap(pid)) runs.sandboxed++;
  }
  // Then the samples, each to the command it ran under.
  const ms = new Map();
  let bareMs = 0;
  for (const line of lines) {
    if (line.includes('PERF_RECORD')) continue;
    const sample = /^\s*(.+?)\s+(\d+)\/\d+\s+(\d+)\s*$/.exec(line);
    if (!sample) continue;
    const [, comm, pidText, period] = sample;
    const pid = Number(pidText);
    const value = Number(period) / 1e6;
    if (bare(pid)) {
      bareMs += value;
      continue;
    }
    let label = comm;
    if (pid === root) label = 'the runner (executor side: bench process)';
    else if (parent.get(pid) === root && comm === 'node') label = 'forks of the runner, before exec';
    else if (comm === 'bwrap' && underBwrap(pid)) label = 'bwrap: sandbox set-up (its child)';
    else if (/^(node|V8 |libuv)/.test(comm)) label = 'node: the run (bootstrap + script)';
    ms.set(label, (ms.get(label) ?? 0) + value);
  }
  const perRun = (value, n) => (n ? value / n : 0).toFixed(1).padStart(7);
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  console.log(`${runs.sandboxed} sandboxed runs, ${runs.bare} bare spawns; CPU ms per run (task-clock samples):`);
  for (const [label, value] of [...ms].sort((a, b) => b[1] - a[1])) console.log(`  ${label.padEnd(44)} ${perRun(value, runs.sandboxed)}`);
  console.log(`  ${'a sandboxed run, all of the above'.padEnd(44)} ${perRun(total, runs.sandboxed)}`);
  console.log(`  ${'a bare node spawn (the node alone)'.padEnd(44)} ${perRun(bareMs, runs.bare)}`);
  console.log("(the runner's row also holds its forks for the bare spawns and the bench's own work)");
}

/**
 * The CPU a spawn costs the process that spawns (libuv forks it, copying its page tables, then waits for
 * the exec), at this process's size and after it has touched 100 and 200 MB more: an executor spawns every
 * process a run needs itself, at its own size.
 */
async function printForkCost() {
  const spawns = 200;
  const once = () => new Promise((resolve, reject) => spawn('/bin/true', [], { stdio: 'ignore' }).once('exit', resolve).once('error', reject));
  const held = [];
  for (const more of [0, 100, 100]) {
    for (let i = 0; i < more; i++) held.push(Buffer.alloc(1 << 20, 1));
    for (let i = 0; i < 10; i++) await once();
    const before = process.cpuUsage();
    for (let i = 0; i < spawns; i++) await once();
    const used = process.cpuUsage(before);
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `spawn of /bin/true at ${rss.toFixed(0)} MiB resident: ${((used.user + used.system) / 1000 / spawns).toFixed(2)} ms of the spawner's CPU (${(used.system / 1000 / spawns).toFixed(2)} ms system)`,
    );
  }
}
