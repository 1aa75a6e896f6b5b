// Fan-out benchmark (issue 14 item 4): many clients following live output on ONE gateway.
//  - the platform (bench/launch/platform.mjs): BENCH_CONTAINERS long-running containers whose script prints
//    `line <n> <print time>` lines, BENCH_LINES_PER_SECOND in all; BENCH_CLIENTS clients spread over them,
//    half on `GET /api/v2/containers/attach` (the CLI's and the console's follow), half on the v1 launch
//    `output=event-stream` resumed with the launch's idempotency key and `Last-Event-ID: 0` (the console's
//    reconnect), BENCH_ROUTE=attach|event-stream for one of them only;
//  - the raw baseline in the same run: the same clients on a bare node:http event-stream server
//    (bare-sse-server.mjs) fed at the same rate.
// The clients live in BENCH_WORKERS forked load-worker.mjs processes, not in this one or the gateway's.
// Measured: print → client receive p50/p99/max over BENCH_SECONDS (one host clock), the server's RSS before
// and after opening the clients (bytes per client), its CPU during the window.
// Usage: npx turbo run build --filter=@agentry/gateway (…every service: `npm run build`) && node bench/fanout/run.mjs
// (env: BENCH_CLIENTS=5000, BENCH_CONTAINERS=50, BENCH_LINES_PER_SECOND=1000, BENCH_SECONDS=20, BENCH_WORKERS=2,
// BENCH_ISOLATION=auto, BENCH_ROUTE=mix, BENCH_VERBOSE=1). Prints figures and ratios; asserts nothing.
// Open files: every client is a socket here and in the server; when `ulimit -n` is below clients + 2,000 the
// bench re-runs itself under `ulimit -n <that>` (root may raise it; otherwise it says what to set).
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { createAgent, startPlatform } from '../launch/platform.mjs';
import { Histogram } from './histogram.mjs';
import { now } from '../launch/sse-client.mjs';
import { reportFigure } from '../summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 5000);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 50);
const LINES_PER_SECOND = Number(process.env.BENCH_LINES_PER_SECOND ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const ISOLATION = process.env.BENCH_ISOLATION ?? 'auto';
const ROUTE = process.env.BENCH_ROUTE ?? 'mix';
/** BENCH_PART=bare|gateway: one side only (e.g. the bare server's client ceiling on this machine); `npm run bench`'s figures need both. */
const PART = process.env.BENCH_PART ?? 'both';
/** BENCH_SHAPE=shared|own|both: (i) clients spread over CONTAINERS running containers, (ii) each client its own container. */
const SHAPES = (process.env.BENCH_SHAPE ?? 'both') === 'both' ? ['shared', 'own'] : [process.env.BENCH_SHAPE];
/** BENCH_CPU_PROF=<dir>: the gateway's CPU is sampled over the window (bench/launch/cpu-profile-preload.mjs; read with profile-top.mjs). */
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
/**
 * The scripts (and their agent's time limit) outlive any sane set-up + window; the bench aborts them when it
 * is done. 10 minutes was not enough: on the loaded 2-core machine 5,000 clients took 631 s to open through
 * the gateway, and the runs had hit their time limit before the window (11:05–11:16 UTC).
 */
const SCRIPT_SECONDS = 3600;
/** After opening, followers first read what was printed before they joined; the window starts once that is done. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_SECONDS ?? 10) * 1000;
/**
 * Shape (i)'s scripts print nothing for this long after their agent is saved (default: 1 s per 20 clients), so
 * the clients open onto no history: at 5,000 clients opening took 10–11 minutes on the loaded machine, every
 * follower replayed what was printed meanwhile (2.5 GB in all) and most were cut as stalled before the window.
 * If opening takes longer, the window still starts only once all are open.
 */
const QUIET_START_MS = Number(process.env.BENCH_QUIET_START_SECONDS ?? Math.ceil(CLIENTS / 20)) * 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (n) => `${n.toFixed(1)} ms`;

function raiseOpenFilesOrExit() {
  const needed = CLIENTS + 2000;
  const current = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  if (current >= needed || process.env.BENCH_FANOUT_ULIMIT_RAISED) return;
  console.log(`ulimit -n is ${current}: re-running under ulimit -n ${needed}`);
  const rerun = spawnSync('sh', ['-c', `ulimit -n ${needed} && exec "$0" "$1"`, process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_FANOUT_ULIMIT_RAISED: '1' },
  });
  if (rerun.status !== 0 && rerun.status !== null) console.error(`(if ulimit could not be raised: run \`ulimit -n ${needed}\` as root first)`);
  process.exit(rerun.status ?? 1);
}

/** A forked process answering typed messages: `ask(message, replyType)`. */
function forked(file, args = []) {
  const child = fork(join(here, file), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  child.on('message', (message) => {
    const resolve = waiting.get(message.type);
    waiting.delete(message.type);
    resolve?.(message);
  });
  const ask = (message, replyType) =>
    new Promise((resolve, reject) => {
      waiting.set(replyType, resolve);
      child.once('exit', () => reject(new Error(`${file} exited while we waited for ${replyType}`)));
      if (message) child.send(message);
    });
  return { child, ask };
}

/** Linux /proc: resident memory and CPU seconds (user + system) of one process. */
function processUsage(pid) {
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rss, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

/** The gateway started by startPlatform: our child running its dist entry. */
function gatewayPid() {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1].split(' ')[1]) !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('apps/gateway/dist/main.js')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('the gateway process was not found among our children');
}

/** The NATS server the gateway uses (its environment, Linux /proc). */
function natsUrlOf(pid) {
  const variable = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((v) => v.startsWith('NATS_URL='));
  return variable.slice('NATS_URL='.length);
}

/**
 * A bare core-NATS subscriber to every container's live subject, in this process: print → message on the
 * bus, the part of the latency before the gateway (script, sandbox pipe, executor, NATS).
 */
async function busListener(natsUrl) {
  const nc = await connect({ servers: natsUrl });
  let histogram = new Histogram();
  let windowStart = Infinity;
  const line = /^line \d+ (\d+\.\d{3})$/gm;
  nc.subscribe('live.container.*', {
    callback: (error, message) => {
      const receivedAt = now();
      if (error) return;
      const live = message.json();
      if (live.type !== 'output') return;
      for (const match of Buffer.from(live.data, 'base64').toString('utf8').matchAll(line)) {
        if (Number(match[1]) >= windowStart) histogram.add(receivedAt - Number(match[1]));
      }
    },
  });
  return {
    reset: (start) => {
      histogram = new Histogram();
      windowStart = start;
    },
    summary: () => histogram.summary(),
    close: () => nc.close(),
  };
}

/**
 * Opens `clients` from the load workers, waits, then measures SECONDS: latency histogram, lines received,
 * the server's memory before/after opening (through `usage()`) and its CPU over the window.
 */
async function measure(label, clients, usage, { channels, bus, toggleProfile = () => undefined, onOpened = () => undefined, printFrom = 0 }) {
  const workers = Array.from({ length: WORKERS }, () => forked('load-worker.mjs'));
  try {
    const before = await usage();
    const shares = workers.map((_, w) => clients.filter((__, i) => i % WORKERS === w));
    const openedAt = Date.now();
    const opened = await Promise.all(workers.map((w, i) => w.ask({ type: 'open', clients: shares[i] }, 'opened')));
    const openSeconds = (Date.now() - openedAt) / 1000;
    const failed = opened.reduce((n, o) => n + o.failed, 0);
    if (failed) console.log(`  ${label}: ${failed} clients could not open, e.g. ${opened.find((o) => o.firstError)?.firstError}`);
    onOpened();
    if (printFrom > Date.now()) console.log(`  (clients open; the scripts start printing in ${((printFrom - Date.now()) / 1000).toFixed(0)} s)`);
    await sleep(Math.max(0, printFrom - Date.now()) + SETTLE_MS);
    const after = await usage();
    const windowStart = now();
    await Promise.all(workers.map((w) => w.ask({ type: 'measure', windowStart }, 'measuring')));
    bus?.reset(windowStart);
    toggleProfile();
    await sleep(SECONDS * 1000);
    const end = await usage();
    toggleProfile();
    const reports = await Promise.all(workers.map((w) => w.ask({ type: 'report' }, 'report')));
    const histogram = new Histogram();
    for (const r of reports) histogram.addPairs(r.pairs);
    const count = (key) => reports.reduce((n, r) => n + r[key], 0);
    const openClients = count('open');
    return {
      label,
      opened: clients.length - failed,
      openSeconds,
      stillOpen: openClients,
      endedEarly: count('endedEarly'),
      latency: histogram.summary(),
      bus: bus?.summary(),
      expectedLines: (openClients * LINES_PER_SECOND * SECONDS) / channels,
      bytesPerClient: (after.rss - before.rss) / Math.max(1, clients.length - failed),
      rssBefore: before.rss,
      rssAfter: after.rss,
      cores: end.cpuSeconds === undefined ? undefined : (end.cpuSeconds - after.cpuSeconds) / SECONDS,
      clientCores: count('cpuSeconds') / SECONDS,
      bytes: count('bytes'),
    };
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'close' }, 'closed').catch(() => undefined)));
  }
}

/** The bare server with `channels` feeds, each client following one (client i: channel i mod channels). */
async function baseline(channels) {
  const server = forked('bare-sse-server.mjs', [String(channels), String(LINES_PER_SECOND)]);
  try {
    const { port } = await server.ask(null, 'listening');
    const clients = Array.from({ length: CLIENTS }, (_, i) => ({ url: `http://127.0.0.1:${port}/c/${i % channels}`, method: 'GET', headers: {} }));
    return await measure('bare node:http SSE', clients, () => processUsage(server.child.pid), { channels });
  } finally {
    server.child.kill();
  }
}

/**
 * Prints `line <n> <print time>` at its share of the aggregate rate, steadily from `printFrom` (epoch ms, this
 * host's clock) — nothing before, so clients opening meanwhile have no history to replay.
 */
const script = (printFrom) => `
const { performance } = require('node:perf_hooks');
const now = () => performance.timeOrigin + performance.now();
const perMs = ${LINES_PER_SECOND / CONTAINERS / 1000};
const start = ${printFrom};
let sent = 0;
const timer = setInterval(() => {
  const due = Math.max(0, Math.floor((now() - start) * perMs));
  while (sent < due) { sent++; process.stdout.write('line ' + sent + ' ' + now().toFixed(3) + '\\n'); }
  if (now() - start > ${SCRIPT_SECONDS * 1000}) clearInterval(timer);
}, 5);
`;

/** The platform, once for both shapes, with the gateway's pid and a bare subscriber to the bus. */
async function benchPlatform() {
  // One key of one org opens every stream here: the per-key request rate limit (a guard against a runaway
  // client) would answer 429 to the 1,201st open within a minute, and the per-org limit of live streams
  // (LIVE_FOLLOWERS_PER_ORG, 1,000 by default) to the 1,001st.
  process.env.KEY_RATE_LIMIT = '0';
  process.env.LIVE_FOLLOWERS_PER_ORG = '0';
  // All the containers run at once in the bench's one org (the fair-share cap is 10 by default).
  process.env.AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS = String(CONTAINERS);
  const preload = fileURLToPath(new URL('../launch/cpu-profile-preload.mjs', import.meta.url));
  const extraEnv = (name) => (PROFILE_DIR && name === 'gateway' ? { NODE_OPTIONS: `--import=${preload}`, CPU_PROFILE_DIR: PROFILE_DIR } : {});
  const platform = await startPlatform({ slots: CONTAINERS, isolation: ISOLATION, extraEnv });
  // Interrupted, the bench still stops what it started (services, Postgres, NATS, the runs).
  const interrupted = () => void platform.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const pid = gatewayPid();
  const natsUrl = natsUrlOf(pid);
  const bus = await busListener(natsUrl);
  const toggleProfile = () => PROFILE_DIR && process.kill(pid, 'SIGWINCH');
  return { platform, pid, natsUrl, bus, toggleProfile, headers: { 'X-Phantombuster-Key-1': platform.key } };
}

/** Launches `count` containers of the agent (with idempotency keys `<prefix>-<i>`, `concurrency` at a time); answers their ids. */
async function launchAll(platform, agentId, count, prefix, concurrency = 1) {
  const ids = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const launched = await platform.request('POST', `/api/v1/agent/${agentId}/launch`, { form: { output: 'json', idempotencyKey: `${prefix}-${i}` } });
        ids[i] = launched.data.containerId;
      }
    }),
  );
  return ids;
}

/** Shape (i): CONTAINERS real sandboxed runs printing LINES_PER_SECOND in all, the clients spread over them. */
async function sharedContainers({ platform, pid, bus, toggleProfile, headers }) {
  const printFrom = Date.now() + QUIET_START_MS;
  const agentId = await createAgent(platform, 'bench_fanout', script(printFrom), CONTAINERS);
  await platform.request('POST', '/api/v2/agents/save', { json: { id: String(agentId), executionTimeLimit: SCRIPT_SECONDS } });
  const { executionTimeLimit } = await platform.request('GET', `/api/v2/agents/fetch?id=${agentId}`);
  if (executionTimeLimit !== SCRIPT_SECONDS) throw new Error(`the agent's time limit is ${executionTimeLimit} s, not ${SCRIPT_SECONDS} s`);
  const containers = await launchAll(platform, agentId, CONTAINERS, 'fanout');
  for (const id of containers) {
    for (let attempt = 0; ; attempt++) {
      const record = await platform.request('GET', `/api/v2/containers/fetch?id=${id}`);
      if (record.status === 'running') break;
      if (attempt > 3000) throw new Error(`container ${id} is still ${record.status} after 5 minutes`);
      await sleep(100);
    }
  }
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const k = i % CONTAINERS;
    const attach = ROUTE === 'attach' || (ROUTE === 'mix' && Math.floor(i / CONTAINERS) % 2 === 0);
    return attach
      ? { url: `${platform.baseUrl}/api/v2/containers/attach?id=${containers[k]}`, method: 'GET', headers }
      : {
          url: `${platform.baseUrl}/api/v1/agent/${agentId}/launch?output=event-stream&idempotencyKey=fanout-${k}`,
          method: 'POST',
          headers: { ...headers, 'Last-Event-ID': '0' },
        };
  });
  try {
    return await measure(`gateway (${ROUTE})`, clients, () => processUsage(pid), { channels: CONTAINERS, bus, toggleProfile, printFrom });
  } finally {
    await platform.request('POST', `/api/v1/agent/${agentId}/abort`).catch(() => undefined);
  }
}

/**
 * Publishes LINES_PER_SECOND `line <n> <print time>` lines in all, round robin over `containers`, as the
 * executor publishes a run's output (LiveMessage on live.container.<id>, offsets counted per container).
 */
async function livePublisher(natsUrl, containers) {
  const nc = await connect({ servers: natsUrl });
  const offsets = new Array(containers.length).fill(0);
  const lines = new Array(containers.length).fill(0);
  const started = now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((now() - started) * LINES_PER_SECOND) / 1000);
    for (; sent < due; sent++) {
      const k = sent % containers.length;
      const bytes = Buffer.from(`line ${++lines[k]} ${now().toFixed(3)}\n`);
      const message = { type: 'output', containerId: containers[k], offset: offsets[k], data: bytes.toString('base64') };
      offsets[k] += bytes.length;
      nc.publish(`live.container.${containers[k]}`, JSON.stringify(message));
    }
  }, 1);
  return { close: () => (clearInterval(timer), nc.close()) };
}

/**
 * Shape (ii): every client follows its own container. CLIENTS running sandboxed runs do not fit this
 * machine (tens of MiB each), so: CLIENTS real containers launched through the API for an agent that runs
 * one at a time (maxParallelism 1: one real run, the rest queued — real records in the output service,
 * attached to through the real route), and their output lines published on their real live subjects by
 * this process in the executor's message format at LINES_PER_SECOND in all. The executor is paused
 * (SIGSTOP) while the clients follow: thousands of queued launches it would keep putting back on the queue
 * are not the gateway's load. The lines are not stored: the followers all start before the first one.
 */
async function ownContainers({ platform, pid, natsUrl, bus, toggleProfile, headers }) {
  const agentId = await createAgent(platform, 'bench_fanout_own', 'setInterval(() => undefined, 60000);', 1);
  const launchedAt = Date.now();
  const containers = await launchAll(platform, agentId, CLIENTS, 'fanout-own', 16);
  console.log(`  (${CLIENTS} containers launched in ${((Date.now() - launchedAt) / 1000).toFixed(0)} s)`);
  const executor = platform.pids.executor;
  process.kill(executor, 'SIGSTOP');
  let publisher;
  try {
    const clients = containers.map((id) => ({ url: `${platform.baseUrl}/api/v2/containers/attach?id=${id}`, method: 'GET', headers }));
    return await measure('gateway (attach, own)', clients, () => processUsage(pid), {
      channels: CLIENTS,
      bus,
      toggleProfile,
      onOpened: () => void livePublisher(natsUrl, containers).then((p) => (publisher = p)),
    });
  } finally {
    await publisher?.close();
    process.kill(executor, 'SIGCONT');
    await platform.request('POST', `/api/v1/agent/${agentId}/abort`).catch(() => undefined);
  }
}

function print(r) {
  const got = r.latency.n;
  console.log(
    `  ${r.label.padEnd(26)} opened ${r.opened} in ${r.openSeconds.toFixed(1)} s, ${r.stillOpen} open at the end (${r.endedEarly} ended early); ` +
      `${got} lines received of ${Math.round(r.expectedLines)} due (${((100 * got) / Math.max(1, r.expectedLines)).toFixed(1)}%; ${mib(r.bytes)} in all)`,
  );
  console.log(`  ${''.padEnd(26)} print → receive p50 ${ms(r.latency.p50)}  p99 ${ms(r.latency.p99)}  max ${ms(r.latency.max)}`);
  if (r.bus) console.log(`  ${''.padEnd(26)} (of which print → live message on NATS: p50 ${ms(r.bus.p50)}  p99 ${ms(r.bus.p99)}  max ${ms(r.bus.max)})`);
  console.log(
    `  ${''.padEnd(26)} RSS ${mib(r.rssBefore)} → ${mib(r.rssAfter)} with the clients: ${kib(r.bytesPerClient)} per client; CPU ${r.cores.toFixed(2)} cores over the window ` +
      `(${((1000 * r.cores) / Math.max(1, r.stillOpen)).toFixed(2)} per 1,000 clients; the load workers ${r.clientCores.toFixed(2)} cores)`,
  );
}

/** The bench's figures for one shape, for `npm run bench`'s table. */
function report(shape, bare, gateway) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}x (lower is better)`;
  const perCoreSecond = (r) => r.latency.n / SECONDS / Math.max(0.01, r.cores);
  console.log(`  gateway: ${Math.round(perCoreSecond(gateway))} client-lines delivered per CPU-second (bare server ${Math.round(perCoreSecond(bare))})`);
  reportFigure({
    bench: 'fanout',
    measure: `${shape}: line → client p99, ${gateway.opened} clients, ${LINES_PER_SECOND} lines/s`,
    figure: ms(gateway.latency.p99),
    baseline: `bare node SSE ${ms(bare.latency.p99)}`,
    ratio: ratio(gateway.latency.p99, bare.latency.p99),
    aim: 'p99 ≤ 50 ms',
  });
  reportFigure({
    bench: 'fanout',
    measure: `${shape}: line → client p50`,
    figure: ms(gateway.latency.p50),
    baseline: `bare node SSE ${ms(bare.latency.p50)}`,
    ratio: ratio(gateway.latency.p50, bare.latency.p50),
    aim: '',
  });
  reportFigure({
    bench: 'fanout',
    measure: `${shape}: gateway memory per client`,
    figure: kib(gateway.bytesPerClient),
    baseline: `bare node SSE ${kib(bare.bytesPerClient)}`,
    ratio: `${(gateway.bytesPerClient / bare.bytesPerClient).toFixed(2)}x`,
    aim: 'stated',
  });
  reportFigure({
    bench: 'fanout',
    measure: `${shape}: gateway cores per 1,000 followers`,
    figure: ((1000 * gateway.cores) / Math.max(1, gateway.stillOpen)).toFixed(2),
    baseline: `bare node SSE ${((1000 * bare.cores) / Math.max(1, bare.stillOpen)).toFixed(2)}`,
    ratio: `${(perCoreSecond(bare) / perCoreSecond(gateway)).toFixed(2)}x CPU per client-line`,
    aim: '',
  });
}

async function main() {
  raiseOpenFilesOrExit();
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `fan-out benchmark: ${CLIENTS} clients, ${LINES_PER_SECOND} lines/s in all, ${SECONDS} s window, ${WORKERS} load workers, isolation ${ISOLATION}, shapes ${SHAPES.join(' + ')}; load average ${load()}`,
  );
  const shapes = {
    shared: { title: `(i) ${CLIENTS} clients over ${CONTAINERS} running containers`, channels: CONTAINERS, run: sharedContainers },
    own: { title: `(ii) ${CLIENTS} clients each following its own container`, channels: CLIENTS, run: ownContainers },
  };
  const bare = {};
  for (const shape of PART === 'gateway' ? [] : SHAPES) {
    console.log(`${shapes[shape].title} — bare server`);
    bare[shape] = await baseline(shapes[shape].channels);
    print(bare[shape]);
  }
  if (PART === 'bare') return;
  const bench = await benchPlatform();
  try {
    for (const shape of SHAPES) {
      console.log(`${shapes[shape].title} — through the gateway`);
      const gateway = await shapes[shape].run(bench);
      print(gateway);
      if (bare[shape]) report(shape === 'shared' ? '(i) shared' : '(ii) own', bare[shape], gateway);
    }
  } finally {
    await bench.bus.close();
    await bench.platform.stop();
  }
  console.log(`  load average at the end ${load()}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
