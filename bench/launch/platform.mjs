// Starts the whole platform for the launch benchmark: embedded Postgres (ephemeral) and NATS from
// @agentry/local-servers, then every service `npm start` runs (deploy/local/lib/services.mjs), as
// child processes from their built dist/, exactly as the launcher does.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@agentry/local-servers';
import { REPO_ROOT } from '../../deploy/local/lib/paths.mjs';
import { ServiceProcess } from '../../deploy/local/lib/service-process.mjs';
import { SERVICES, serviceEnv } from '../../deploy/local/lib/services.mjs';
import { benchWorkspace } from '../workspace.mjs';

const VERBOSE = process.env.BENCH_VERBOSE === '1';
/** Node options for the services only, not for the bare spawns they are compared with (e.g. an --import hook resolving a library to another build, for an A/B). */
const SERVICE_NODE_OPTIONS = process.env.BENCH_SERVICE_NODE_OPTIONS;

const withServiceNodeOptions = (env) =>
  SERVICE_NODE_OPTIONS ? { ...env, NODE_OPTIONS: [SERVICE_NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' ') } : env;

/** Service output is shown only with BENCH_VERBOSE=1, or when it looks like a failure. */
const output = {
  color: false,
  line(source, text) {
    if (VERBOSE || /error|fail|crash/i.test(text)) console.log(`[${source}] ${text}`);
  },
  red: (text) => text,
};

async function waitForHealth(baseUrl, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the gateway did not answer /health in time');
}

/**
 * Answers { baseUrl, key, request(method, path, json|form), stop(), pids }: `pids` names every
 * process of the platform (each service, postgres, nats) for the CPU budget (cpu-budget.mjs).
 * `extraEnv(name)` may add variables to one service's environment; `pgSettings` are Postgres `-c` settings.
 */
export async function startPlatform({ slots, isolation, services = SERVICES, extraEnv = () => ({}), pgSettings = {} }) {
  const names = services.map((s) => s.name);
  for (const needed of ['registry', 'executor', 'output', 'gateway']) {
    if (!names.includes(needed)) throw new Error(`deploy/local/lib/services.mjs does not list the ${needed} service yet`);
  }
  const workspace = await benchWorkspace('launch');
  const { dir, stops } = workspace;
  const pids = {};
  const stop = () => workspace.stop();
  try {
    const pg = await workspace.startPostgres(pgSettings);
    pids.postgres = pg.pid;
    const nats = await workspace.startNats();
    pids.nats = nats.pid;

    const key = `bench_${randomBytes(12).toString('hex')}`;
    const port = await freePort();
    const settings = {
      DATABASE_URL: pg.url,
      NATS_URL: nats.url,
      LOG_LEVEL: 'warn',
      AGENTRY_SECRET_KEY: randomBytes(32).toString('base64'),
      AGENTRY_BOOTSTRAP_API_KEY: key,
      PORT: port,
      HOST: '127.0.0.1',
    };
    // Settings only the executor reads pass through the environment, as with `npm start`.
    const baseEnv = {
      ...process.env,
      AGENTRY_WORK_DIR: join(dir, 'work'),
      AGENTRY_STORAGE_DIR: join(dir, 'storage'),
      AGENTRY_ISOLATION: isolation,
      EXECUTOR_SLOTS: String(slots),
    };
    for (const service of services) {
      const child = new ServiceProcess({
        name: service.name,
        entry: join(REPO_ROOT, service.entry),
        cwd: REPO_ROOT,
        env: withServiceNodeOptions({ ...serviceEnv(service, settings, baseEnv), ...extraEnv(service.name) }),
        output,
        maxRestarts: 0,
        onGiveUp: () => console.error(`${service.name} crashed: the figures below are not to be trusted`),
      });
      child.start();
      pids[service.name] = child.pid;
      stops.push(() => child.stop());
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl);

    const request = async (method, path, { json, form } = {}) => {
      const headers = { 'X-Phantombuster-Key-1': key };
      let body;
      if (json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(json);
      } else if (form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(form).toString();
      }
      const res = await fetch(baseUrl + path, { method, headers, body });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
      return JSON.parse(text);
    };
    // The bootstrap key may be accepted a moment after the gateway is up.
    for (let attempt = 0; ; attempt++) {
      try {
        await request('GET', '/api/v1/user.json');
        break;
      } catch (error) {
        if (attempt > 40) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return { baseUrl, key, request, stop, pids, databaseUrl: pg.url };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A script saved in the org and an agent running it with `maxParallelism` instances at once; answers the agent id. */
export async function createAgent(platform, name, text, maxParallelism) {
  const scriptId = (await platform.request('POST', `/api/v1/script/${name}.js`, { form: { text } })).data;
  const saved = await platform.request('POST', '/api/v2/agents/save', {
    json: { name, scriptId, maxParallelism, executionTimeLimit: 600 },
  });
  return saved.id;
}
