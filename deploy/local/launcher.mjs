/**
 * The local launcher proper (started by start.mjs in its own process group): validates the
 * configuration, starts embedded Postgres and NATS unless DATABASE_URL / NATS_URL name
 * servers, starts every service of services.mjs, waits for the gateway, prints how to use it,
 * and on SIGINT / SIGTERM stops services, then NATS, then Postgres.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConfigError, key256 } from '@agentry/config';
import { ensureNatsServerBinary, freePort, startEmbeddedPostgres, startNatsServer } from '@agentry/local-servers';
import { planAdminKey, settleAdminKey } from './lib/admin-key.mjs';
import { readyBanner } from './lib/banner.mjs';
import { loadLauncherConfig } from './lib/config.mjs';
import { prepareDataDir, reachableDataFolder, readOrCreateSecretFile } from './lib/data-dir.mjs';
import { natsUsersDir, prepareNatsLogins, SUBSCRIBER_USER, subscriberPasswordFile } from './lib/nats-logins.mjs';
import { probeApiKey, waitForHealth, waitForRegistry } from './lib/gateway-probe.mjs';
import { Lifecycle, Stopping } from './lib/lifecycle.mjs';
import { createOutput } from './lib/output.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import { preflightProblems } from './lib/preflight.mjs';
import { ensureSandboxTools } from './lib/sandbox-tools.mjs';
import { ServiceProcess } from './lib/service-process.mjs';
import { SERVICES, serviceEnv } from './lib/services.mjs';

const READY_TIMEOUT_MS = 90_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const output = createOutput({ sources: ['agentry', 'postgres', 'nats', ...SERVICES.map((s) => s.name)] });
const say = (text) => output.line('agentry', text);
const lifecycle = new Lifecycle(say);
const services = [];

const stopAll = (exitCode, reason) => lifecycle.shutdown(exitCode, reason).then((code) => process.exit(code));

function failConfiguration(problems) {
  process.stderr.write(`\nAgentry cannot start. Fix these settings and run npm start again:\n${problems.map((p) => `  - ${p}`).join('\n')}\n\n`);
  process.exit(1);
}

/** First signal: orderly shutdown. Another one while stopping: the services are killed outright. */
function handleStopSignals() {
  let received = 0;
  const onSignal = (why) => {
    received += 1;
    if (received === 1) stopAll(0, `${why}: stopping Agentry (again to force)`);
    else {
      say('forcing the services to stop');
      for (const service of services) service.kill();
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => onSignal(signal));
  // start.mjs went away without telling us (e.g. killed): don't leave servers behind.
  process.on('disconnect', () => onSignal('launcher parent exited'));
  // Whoever read our output is gone: keep going (and stop cleanly) without it.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // A bug of ours must not leave Postgres, NATS and the services running.
  process.on('uncaughtException', (error) => {
    say(output.red(`launcher error: ${error?.stack ?? error}`));
    stopAll(1, 'stopping Agentry');
  });
}

/** The secret key of this data folder (unless AGENTRY_SECRET_KEY is set), checked like the registry will. */
async function localSecretKey(dataDir) {
  const file = path.join(dataDir, 'secret.key');
  const { value, created } = await readOrCreateSecretFile(file, () => randomBytes(32).toString('base64'));
  const check = key256().read(value, file);
  if ('problem' in check) failConfiguration([`${file} does not hold a valid key (${check.problem}); restore it, or set AGENTRY_SECRET_KEY`]);
  if (created) say(`generated the secret key for secrets at rest: ${file} (mode 0600; back it up with the data)`);
  return value;
}

const redactUrl = (url) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

async function startPostgres(dataDir) {
  const passwordFile = path.join(dataDir, 'postgres.password');
  const { value: password } = await readOrCreateSecretFile(passwordFile, () => randomBytes(24).toString('hex'));
  // As root with the data folder under /root, the cluster is kept in /var/lib/agentry/postgres (linked from here).
  const pgDir = await reachableDataFolder(dataDir, 'postgres');
  say(`starting embedded Postgres (data in ${pgDir})`);
  return lifecycle.start(
    'Postgres',
    async () =>
      startEmbeddedPostgres({
        dataDir: pgDir,
        port: await freePort(),
        user: 'agentry',
        password,
        database: 'agentry',
        onLog: (line) => output.line('postgres', line),
      }),
    (pg) => pg.stop(),
  );
}

async function startNats(dataDir) {
  const storeDir = path.join(dataDir, 'nats');
  // Each service logs in as itself, allowed only its own subjects; an agent's script never gets
  // any of these credentials, so it can't join the bus.
  const users = await prepareNatsLogins(dataDir);
  say(`starting nats-server with JetStream (data in ${storeDir})`);
  return lifecycle.start(
    'NATS',
    async () => startNatsServer({ port: await freePort(), storeDir, auth: { users }, onLog: (line) => output.line('nats', line) }),
    (nats) => nats.stop(),
  );
}

/** `natsUrlFor(name)`: the service's own NATS login (embedded server) or the NATS_URL given to all. */
function startService(service, settings, natsUrlFor) {
  const env = serviceEnv(service, { ...settings, NATS_URL: natsUrlFor(service.name) }, output.color ? process.env : { ...process.env, NO_COLOR: '1' });
  const child = new ServiceProcess({
    name: service.name,
    entry: path.join(REPO_ROOT, service.entry),
    cwd: REPO_ROOT,
    env,
    output,
    onGiveUp: (crashed) => stopAll(1, `stopping Agentry because ${crashed.name} keeps crashing`),
  });
  services.push(child);
  return lifecycle.start(
    service.name,
    () => child.start(),
    (c) => c.stop(),
  );
}

function infrastructureLines(config, databaseUrl, natsUrl) {
  const passwordFile = path.join(config.dataDir, 'postgres.password');
  return [
    `Postgres: ${config.databaseUrl ? 'DATABASE_URL' : 'embedded'} ${redactUrl(databaseUrl)}${config.databaseUrl ? '' : ` (password in ${passwordFile})`}`,
    `NATS:     ${config.natsUrl ? 'NATS_URL' : 'embedded'} ${redactUrl(natsUrl)}${config.natsUrl ? '' : ` (a login per service in ${natsUsersDir(config.dataDir)})`}`,
    ...(config.natsUrl
      ? []
      : [
          `Events:   lifecycle events on NATS as user '${SUBSCRIBER_USER}' (read-only; password in ${subscriberPasswordFile(config.dataDir)}; see docs/events/README.md)`,
        ]),
    `Data:     ${config.dataDir}`,
  ];
}

/** What did not answer in time, if anything: first the gateway, then the registry behind it. */
async function readinessProblem(url) {
  const waiting = { timeoutMs: READY_TIMEOUT_MS, signal: lifecycle.signal };
  if (!(await waitForHealth(url, waiting))) return `the gateway did not answer GET ${url}/health`;
  if (!(await waitForRegistry(url, waiting))) return 'the registry did not answer the gateway';
  return undefined;
}

const browsableHost = (host) => {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};

async function main() {
  let config;
  try {
    config = loadLauncherConfig();
  } catch (error) {
    if (error instanceof ConfigError) failConfiguration(error.problems);
    throw error;
  }
  const problems = await preflightProblems(config);
  if (problems.length) failConfiguration(problems);

  handleStopSignals();
  await prepareDataDir(config.dataDir);
  const secretKey = config.secretKey ?? (await localSecretKey(config.dataDir));
  const adminPlan = await planAdminKey({ configuredKey: config.bootstrapApiKey, dataDir: config.dataDir, databaseUrl: config.databaseUrl });

  // Before Postgres starts: a missing nats-server should fail fast (or be installed) first.
  if (!config.natsUrl) await ensureNatsServerBinary(say);
  // The scripts' sandbox (bubblewrap, slirp4netns): installed like nats-server; the line says which isolation runs.
  const sandbox = await ensureSandboxTools({ log: say });
  say(sandbox.replace(/^Sandbox:\s+/, 'sandbox: '));
  const databaseUrl = config.databaseUrl ?? (await startPostgres(config.dataDir)).url;
  const nats = config.natsUrl ? undefined : await startNats(config.dataDir);
  const natsUrl = config.natsUrl ?? nats.url;
  const natsUrlFor = (service) => (nats ? nats.urlFor(service) : config.natsUrl);

  const settings = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: config.logLevel,
    LOG_FORMAT: config.logFormat,
    AGENTRY_SECRET_KEY: secretKey,
    AGENTRY_BOOTSTRAP_API_KEY: adminPlan.key,
    PORT: config.port,
    HOST: config.host,
    // In the data folder (it followed the working folder before, whatever AGENTRY_DATA_DIR said);
    // scripts read it as the run user, so as root under /root it is kept in /var/lib/agentry/storage.
    AGENTRY_STORAGE_DIR: config.storageDir ?? (await reachableDataFolder(config.dataDir, 'storage')),
  };
  for (const service of SERVICES) await startService(service, settings, natsUrlFor);

  const url = `http://${browsableHost(config.host)}:${config.port}`;
  const notReady = await readinessProblem(url);
  if (notReady) {
    say(output.red(`${notReady} within ${READY_TIMEOUT_MS / 1000} s; see the output above`));
    return stopAll(1, 'stopping Agentry');
  }
  const admin = await settleAdminKey(adminPlan, (key) => probeApiKey(url, key, { signal: lifecycle.signal }));
  const infrastructure = [...infrastructureLines(config, databaseUrl, natsUrl), sandbox];
  output.raw(readyBanner({ url, admin, dataDir: config.dataDir, infrastructure, bold: output.bold }));
}

main().catch((error) => {
  if (error instanceof Stopping) return;
  say(output.red(`could not start: ${error?.message ?? error}`));
  stopAll(1, 'stopping what was started');
});
