// Authenticated reads through the gateway (issue 14 item 3): `GET /api/v2/agents/fetch` at c=16 on a
// gateway that caches verified keys and agent reads (both kept true by invalidations pushed over NATS),
// on one that caches nothing and asks the registry twice per request (KEY_CACHE_MAX_ENTRIES=0,
// AGENT_CACHE_MAX_ENTRIES=0: the old path), and the cached gateway's own bare route (`/livez`: no key, no
// bus) as the raw baseline, all in the same run, taking turns. Prints req/s, p50/p99 and the ratios to
// the bare route and to the uncached gateway. Asserts nothing.
//
//   npx turbo run build --filter=@agentry/gateway --filter=@agentry/registry && node bench/gateway/run.mjs
//
// Then how long the cached gateway keeps serving an agent's old record after a save through the other
// gateway (which it hears of only through the relayed event): BENCH_STALENESS_SAMPLES saves (20).
// BENCH_SECONDS per round (5), BENCH_ROUNDS (2), BENCH_CONCURRENCY (16). BENCH_CPU_PROF=<dir>: the cached
// gateway runs under a CPU profiler (cpu-profile.mjs) and writes its profile there when the bench stops it.
// Registry and gateways run from their dist/ as child processes (as `npm start` does) on embedded
// Postgres and NATS; the load comes from this process over keep-alive connections.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { REPO_ROOT } from '../../deploy/local/lib/paths.mjs';
import { ServiceProcess } from '../../deploy/local/lib/service-process.mjs';
import { SERVICES, serviceEnv } from '../../deploy/local/lib/services.mjs';
import { reportFigure } from '../summary.mjs';
import { freePort } from '@agentry/local-servers';
import { benchWorkspace } from '../workspace.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const STALENESS_SAMPLES = Number(process.env.BENCH_STALENESS_SAMPLES ?? 20);

const output = {
  color: false,
  line(source, text) {
    if (VERBOSE || /error|fail|crash/i.test(text)) console.log(`[${source}] ${text}`);
  },
  red: (text) => text,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One GET over a keep-alive agent; answers the status (the body is read and dropped). */
function get(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers, agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(check, what, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await sleep(250);
  }
}

/** `CONCURRENCY` loops for `seconds`: req/s and latency percentiles; any non-200 is counted, not hidden. */
async function load(port, path, headers, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const status = await get(agent, port, path, headers);
        latencies.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

const workspace = await benchWorkspace('gateway');
const { stops } = workspace;
try {
  const pg = await workspace.startPostgres();
  const nats = await workspace.startNats();

  const key = `bench_${randomBytes(12).toString('hex')}`;
  const settings = {
    DATABASE_URL: pg.url,
    NATS_URL: nats.url,
    LOG_LEVEL: 'warn',
    AGENTRY_SECRET_KEY: randomBytes(32).toString('base64'),
    AGENTRY_BOOTSTRAP_API_KEY: key,
    HOST: '127.0.0.1',
  };
  const service = (name) => SERVICES.find((s) => s.name === name);
  const start = (name, label, extraSettings = {}, extraEnv = {}) => {
    const child = new ServiceProcess({
      name: label,
      entry: join(REPO_ROOT, service(name).entry),
      cwd: REPO_ROOT,
      env: serviceEnv(service(name), { ...settings, ...extraSettings }, { ...process.env, ...extraEnv }),
      output,
      maxRestarts: 0,
      onGiveUp: () => console.error(`${label} crashed: the figures below are not to be trusted`),
    });
    child.start();
    stops.push(() => child.stop());
  };
  start('registry', 'registry');
  // The per-key rate limit (1,200/min by default) would answer 429 to a benchmark.
  const cachedPort = await freePort();
  const profile = process.env.BENCH_CPU_PROF
    ? { NODE_OPTIONS: `--import=${join(REPO_ROOT, 'bench/gateway/cpu-profile.mjs')}`, BENCH_CPU_PROF_DIR: process.env.BENCH_CPU_PROF }
    : {};
  start('gateway', 'gateway(cache)', { PORT: cachedPort }, { KEY_RATE_LIMIT: '0', ...profile });
  const uncachedPort = await freePort();
  start('gateway', 'gateway(no cache)', { PORT: uncachedPort }, { KEY_RATE_LIMIT: '0', KEY_CACHE_MAX_ENTRIES: '0', AGENT_CACHE_MAX_ENTRIES: '0' });

  const auth = { 'X-Phantombuster-Key-1': key };
  const agent = new http.Agent({ keepAlive: true });
  for (const port of [cachedPort, uncachedPort]) {
    await waitFor(async () => (await get(agent, port, '/livez', {})) === 200, `gateway on ${port} answering`);
    await waitFor(async () => (await get(agent, port, '/api/v1/user.json', auth)) === 200, `the bootstrap key accepted on ${port}`);
  }
  const post = async (path, body, type) => {
    const res = await fetch(`http://127.0.0.1:${cachedPort}${path}`, { method: 'POST', headers: { ...auth, 'content-type': type }, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  };
  const scriptId = (await post('/api/v1/script/bench.js', new URLSearchParams({ text: '// bench' }).toString(), 'application/x-www-form-urlencoded')).data;
  const agentId = (await post('/api/v2/agents/save', JSON.stringify({ name: 'bench', scriptId }), 'application/json')).id;
  const fetchPath = `/api/v2/agents/fetch?id=${agentId}`;
  await waitFor(async () => (await get(agent, cachedPort, fetchPath, auth)) === 200, 'agents/fetch answering');
  agent.destroy();
  // Reads of an agent are not cached for AGENT_CACHE_SETTLE_MS (1 s) after its last event (its save here).
  await sleep(1500);

  const cases = [
    { name: 'bare route `/livez`, same gateway', port: cachedPort, path: '/livez', headers: {} },
    { name: 'agents/fetch, keys and agent reads cached', port: cachedPort, path: fetchPath, headers: auth },
    { name: 'agents/fetch, nothing cached (KEY_CACHE_MAX_ENTRIES=0, AGENT_CACHE_MAX_ENTRIES=0)', port: uncachedPort, path: fetchPath, headers: auth },
  ];
  for (const c of cases) await load(c.port, c.path, c.headers, 1); // warm-up (JIT, connections)
  const results = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) results.get(c.name).push(await load(c.port, c.path, c.headers, SECONDS));
  }
  const merged = (runs) => ({
    rps: runs.reduce((s, r) => s + r.rps, 0) / runs.length,
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    errors: runs.reduce((s, r) => s + r.errors, 0),
  });
  const bare = merged(results.get(cases[0].name));
  const uncached = merged(results.get(cases[2].name));
  console.log(`\nc=${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS} s each, taking turns (p50/p99: worst round)\n`);
  console.log('| case | req/s | p50 | p99 | non-200 | ÷ bare route | ÷ nothing cached |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const r = merged(results.get(c.name));
    console.log(
      `| ${c.name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.errors} | ${(r.rps / bare.rps).toFixed(2)}× | ${(r.rps / uncached.rps).toFixed(2)}× |`,
    );
    if (c === cases[0]) continue;
    reportFigure({
      bench: 'gateway',
      measure: `${c.name}, c=${CONCURRENCY}: req/s (p50 / p99)`,
      figure: `${Math.round(r.rps).toLocaleString('en')} (${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} ms)`,
      baseline: `bare /livez ${Math.round(bare.rps).toLocaleString('en')} (${bare.p50.toFixed(1)} / ${bare.p99.toFixed(1)} ms)`,
      ratio: `${(r.rps / bare.rps).toFixed(2)}x`,
      aim: c === cases[1] ? '≥ 5,000 req/s, p99 ≤ 20 ms, ≥ 0.2x' : '',
    });
  }
  console.log('\naims (issue 14): cached agents/fetch ≥ 5,000 req/s, p99 ≤ 20 ms, ≥ 0.2× the bare route');

  // Staleness on another replica: the record is cached on the cached gateway (read after the settle window),
  // a save goes through the other gateway, and the cached one is read in a loop from the save's answer until
  // it shows the new name — the time the relayed event takes to reach it and drop the entry.
  const readName = async () => {
    const res = await fetch(`http://127.0.0.1:${cachedPort}${fetchPath}`, { headers: auth });
    return (await res.json()).name;
  };
  const staleMs = [];
  for (let i = 0; i < STALENESS_SAMPLES; i++) {
    await sleep(1500); // past AGENT_CACHE_SETTLE_MS since the previous save: the next read is kept
    await readName();
    const name = `bench-${i}`;
    const res = await fetch(`http://127.0.0.1:${uncachedPort}/api/v2/agents/save`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ id: agentId, name, scriptId }),
    });
    if (!res.ok) throw new Error(`save answered ${res.status}`);
    await res.arrayBuffer();
    const answered = performance.now();
    while ((await readName()) !== name) {
      // the cached gateway still answers the old record
    }
    staleMs.push(performance.now() - answered);
  }
  staleMs.sort((a, b) => a - b);
  const stalePoint = (p) => staleMs[Math.min(staleMs.length - 1, Math.floor(p * staleMs.length))].toFixed(1);
  console.log(
    `\nanother replica's cached record after a save's answer: stale for p50 ${stalePoint(0.5)} ms, max ${stalePoint(1)} ms over ${staleMs.length} saves (the relayed event's way to it)`,
  );
  reportFigure({
    bench: 'gateway',
    measure: `another replica's cached agent read, stale after a save answered: p50 / max of ${staleMs.length}`,
    figure: `${stalePoint(0.5)} / ${stalePoint(1)} ms`,
    baseline: '',
    ratio: '',
    aim: '',
  });
} finally {
  await workspace.stop();
}
