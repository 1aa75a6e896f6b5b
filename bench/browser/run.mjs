// Browser runs benchmark (issue 12): in one run, on the same machine state,
//  (a) launch → first page loaded: a browser run (the executor's process runner: bubblewrap sandbox
//      with network, cgroup, runtime image, `require('puppeteer')` → launch → goto → 'load') against a
//      bare `chromium --headless --dump-dom` of the same local page (spawn → DOM printed), p50 / p99,
//      taking turns;
//  (b) runs per minute at saturation (BENCH_CONCURRENCY at once for BENCH_SECONDS): browser runs
//      against the same number of bare headless loads;
//  (c) memory per browser run: the run's cgroup peak at first page loaded (all its processes:
//      node, Chromium and its children), against a bare load's peak in a cgroup of its own.
// The page is served on this host's loopback; runs reach it at 10.0.2.2:<port> (egressHostPorts).
// Usage: npx turbo run build --filter=@agentry/executor && node bench/browser/run.mjs
//   (env: BENCH_RUNS=10, BENCH_SECONDS=30, BENCH_CONCURRENCY=2). Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { startRun } from '@agentry/executor/process';

/** Debian's Chromium (what the executor's EXECUTOR_CHROMIUM defaults to). */
const DEFAULT_CHROMIUM = '/usr/lib/chromium/chromium';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const LIMITS = { timeLimitSeconds: 120, maxTimeLimitSeconds: 600, memoryMb: 1024, maxFileDescriptors: 4096, maxProcesses: 1024, cpuPercent: 100, diskMb: 512 };
// The same flags the runtime's puppeteer build gives Chromium (libs/runtime/script/browser/launch-options.cjs).
const { CHROMIUM_FLAGS } = (await import('../../libs/runtime/script/browser/launch-options.cjs')).default;

/** The shipped runtime image, as the executor's runtime-images.ts reads it. */
const imageDir = new URL('../../runtime-images/web-node-v1/', import.meta.url).pathname;
const modules = Object.keys(JSON.parse(readFileSync(join(imageDir, 'package.json'), 'utf8')).dependencies);
const image = { name: 'web-node:v1', modulesDir: join(imageDir, 'node_modules'), modules };
if (!modules.every((name) => existsSync(join(image.modulesDir, name, 'package.json'))) || !existsSync(DEFAULT_CHROMIUM)) {
  console.error('needs Chromium (apt-get install chromium) and the web-node:v1 image (npm ci --prefix runtime-images/web-node-v1 --ignore-scripts)');
  process.exit(1);
}

const PAGE =
  '<!doctype html><html><head><title>bench</title></head><body><h1>A page</h1><ul>' +
  Array.from({ length: 200 }, (_, i) => `<li>item ${i}</li>`).join('') +
  '</ul><script>document.title = "loaded"</script></body></html>';
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const root = mkdtempSync(join(tmpdir(), 'agentry-bench-browser-'));
chmodSync(root, 0o711);
const workRoot = join(root, 'work');
mkdirSync(workRoot, { mode: 0o711 });

const now = () => performance.now();
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
};

/** The memory cgroup (v1 or v2) a process is in, as a folder, or null. */
function memoryCgroupOf(pid) {
  try {
    const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
    const v1 = lines.find((line) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(line));
    if (v1) return join('/sys/fs/cgroup/memory', v1.split(':')[2]);
    const v2 = lines.find((line) => line.startsWith('0::'));
    return v2 ? join('/sys/fs/cgroup', v2.slice(3)) : null;
  } catch {
    return null;
  }
}
const peakBytes = (dir) => {
  for (const file of ['memory.max_usage_in_bytes', 'memory.peak']) {
    try {
      return Number(readFileSync(join(dir, file), 'utf8'));
    } catch {
      // the other cgroup version
    }
  }
  return null;
};

const SCRIPT = `
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto('http://10.0.2.2:${port}/', { waitUntil: 'load' });
  console.log('loaded ' + (await page.title()));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await browser.close();
})().catch((error) => { console.error(error.message); process.exit(1); });`;

let nextId = 1;
/** One browser run: start → 'loaded' printed; the run's cgroup peak then. */
async function browserRun() {
  const containerId = nextId++;
  const storageDir = join(root, `storage-${containerId}`);
  const started = now();
  let loadedMs = null;
  let memory = null;
  let output = '';
  let run;
  const loaded = new Promise((resolve) => {
    startRun(
      {
        containerId,
        agentId: 1,
        orgId: 1,
        scriptName: 'bench.js',
        scriptText: SCRIPT,
        argument: {},
        env: {},
        workRoot,
        storageDir,
        limits: LIMITS,
        retryNumber: 0,
        isolation: 'auto',
        network: 'internet',
        egressHostPorts: [port],
        image,
        browserExecutable: DEFAULT_CHROMIUM,
      },
      {
        onOutput(_offset, chunk) {
          output += chunk.toString();
          if (loadedMs === null && output.includes('loaded loaded')) {
            loadedMs = now() - started;
            const group = memoryCgroupOf(run.pid);
            memory = group ? peakBytes(group) : null;
            resolve();
          }
        },
        onRequest: async () => null,
      },
    ).then((running) => {
      run = running;
      running.outcome.then(() => resolve());
    });
  });
  await loaded;
  const outcome = await run.outcome;
  rmSync(storageDir, { recursive: true, force: true });
  if (loadedMs === null) throw new Error(`browser run failed (${outcome.reason}): ${output}`);
  return { loadedMs, memory };
}

/** A memory cgroup of our own for a bare load (v1 as root, like the runner's), or null. */
function bareCgroup(name) {
  const own = memoryCgroupOf(process.pid);
  if (!own || !own.startsWith('/sys/fs/cgroup/memory')) return null;
  const dir = join(own, name);
  try {
    mkdirSync(dir);
    return dir;
  } catch {
    return null;
  }
}

/** A bare headless Chromium loading the same page: spawn → DOM printed. */
async function bareLoad() {
  const profile = mkdtempSync(join(root, 'bare-profile-'));
  const group = bareCgroup(`bench-bare-${process.pid}-${nextId++}`);
  const args = [...CHROMIUM_FLAGS, '--headless', `--user-data-dir=${profile}`, '--dump-dom', `http://127.0.0.1:${port}/`];
  const started = now();
  const child = spawn('/bin/sh', ['-c', `${group ? `echo $$ > ${group}/cgroup.procs; ` : ''}exec "$@"`, 'bare', DEFAULT_CHROMIUM, ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let dom = '';
  let loadedMs = null;
  child.stdout.on('data', (chunk) => {
    dom += chunk;
    if (loadedMs === null && dom.includes('</html>')) loadedMs = now() - started;
  });
  await new Promise((resolve) => child.once('close', resolve));
  const memory = group ? peakBytes(group) : null;
  // Chromium's children may still be leaving: the group goes once they are gone (tried for 5 s).
  for (let tries = 0; group && tries < 50; tries++) {
    try {
      rmdirSync(group);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  rmSync(profile, { recursive: true, force: true });
  if (loadedMs === null) throw new Error('bare chromium printed no DOM');
  return { loadedMs, memory };
}

/** Runs `one` CONCURRENCY at a time for SECONDS; completed per minute. */
async function saturate(one) {
  const end = now() + SECONDS * 1000;
  let done = 0;
  const worker = async () => {
    while (now() < end) {
      await one();
      done++;
    }
  };
  const started = now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (done / (now() - started)) * 60_000;
}

const mb = (bytes) => (bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
try {
  // Warm-up: page cache, fontconfig, the sandbox probes.
  await bareLoad();
  await browserRun();
  const browser = [];
  const bare = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await bareLoad());
    browser.push(await browserRun());
  }
  const b = summary(browser.map((r) => r.loadedMs));
  const c = summary(bare.map((r) => r.loadedMs));
  console.log(`launch → first page loaded (${RUNS} each, taking turns)`);
  console.log(`  bare chromium --headless --dump-dom: p50 ${c.p50.toFixed(0)} ms, p99 ${c.p99.toFixed(0)} ms`);
  console.log(
    `  browser run (sandbox + runtime + puppeteer): p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms  (${(b.p50 / c.p50).toFixed(2)}× bare at p50)`,
  );
  const memorySummary = (runs) => {
    const known = runs.map((r) => r.memory).filter((bytes) => bytes !== null);
    return known.length > 0 ? summary(known) : { p50: null, p99: null };
  };
  const memBrowser = memorySummary(browser);
  const memBare = memorySummary(bare);
  console.log(`memory, cgroup peak at first page loaded: browser run p50 ${mb(memBrowser.p50)} (max ${mb(memBrowser.p99)}), bare load p50 ${mb(memBare.p50)}`);
  const barePerMinute = await saturate(bareLoad);
  const browserPerMinute = await saturate(browserRun);
  console.log(
    `at saturation (${CONCURRENCY} at once, ${SECONDS} s each): bare loads ${barePerMinute.toFixed(1)}/min, browser runs ${browserPerMinute.toFixed(1)}/min (${(browserPerMinute / barePerMinute).toFixed(2)}× bare)`,
  );
} finally {
  server.close();
  rmSync(root, { recursive: true, force: true });
}
