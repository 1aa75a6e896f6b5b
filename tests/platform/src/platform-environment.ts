import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATS_SERVICE_USERS, natsPermissionsOf } from '@agentry/contracts';
import { freePort, startEmbeddedPostgres, startNatsCluster, type NatsAuthorization, type RunningNatsCluster } from '@agentry/local-servers';
import { ServiceReplica, sleep, type ServiceName } from './service-replica.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const TEST_USER = 'test';
/** Registry first (it migrates and creates the first org); the gateway last (it needs the others to answer). */
const SERVICES: ServiceName[] = ['registry', 'executor', 'output', 'scheduler', 'gateway'];

export interface PlatformEnvironmentOptions {
  /** Replicas of every service (default 2). */
  replicas?: number;
  /** Nodes of the NATS cluster; every stream and KV bucket gets this many replicas (default 3). */
  natsNodes?: number;
  /** EXECUTOR_HEARTBEAT_TTL_MS of the executors (a lost executor's runs are reaped after about this). */
  heartbeatTtlMs?: number;
  /** Extra environment of one service's replicas (e.g. EXECUTOR_DRAIN_GRACE_MS). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

/** The one Postgres of the environment; `restart()` is an immediate shutdown and a start on the same data folder. */
export interface DrillPostgres {
  url: string;
  pid: number;
  /** SIGQUIT to the postmaster (immediate shutdown: no checkpoint, crash recovery at start), then starts it again after `downMs`. */
  restart(downMs?: number): Promise<void>;
}

export interface PlatformEnvironment {
  postgres: DrillPostgres;
  nats: RunningNatsCluster;
  /** The test's own NATS login on every node (allowed everything). */
  natsUrl: string;
  replicas: Record<ServiceName, ServiceReplica[]>;
  /** Base URLs of the gateway replicas, in replica order. */
  gatewayUrls: string[];
  /** The platform-admin key created with the first org. */
  adminKey: string;
  /** Where each replica's log is (`<name>.log`). */
  logDir: string;
  close(): Promise<void>;
}

/**
 * The platform as an operator runs it on one machine: one Postgres, a NATS cluster (JetStream,
 * every stream with one replica per node), and every service as separate `node apps/<service>/dist/main.js`
 * processes, `replicas` of each (gateways on their own ports), each service logging in to NATS as
 * itself. Needs `npm run build` (or `npx turbo run build`) first: it runs what ships.
 */
export async function startPlatformEnvironment(opts: PlatformEnvironmentOptions = {}): Promise<PlatformEnvironment> {
  const replicaCount = opts.replicas ?? 2;
  for (const service of SERVICES) {
    const entry = join(REPO_ROOT, 'apps', service, 'dist', 'main.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx turbo run build\` first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'agentry-platform-'));
  // The executors' run user must pass through it to their run folders.
  await chmod(dir, 0o711);
  const logDir = join(dir, 'logs');
  await mkdir(logDir);
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (!process.env.AGENTRY_KEEP_PLATFORM_DIR) await rm(dir, { recursive: true, force: true });
  };
  try {
    const postgres = await startDrillPostgres(join(dir, 'postgres'));
    stops.push(() => postgres.stop());

    const auth: NatsAuthorization = {
      users: [
        { user: TEST_USER, password: randomBytes(12).toString('hex') },
        ...NATS_SERVICE_USERS.map((user) => ({ user, password: randomBytes(12).toString('hex'), permissions: natsPermissionsOf(user) })),
      ],
    };
    const natsNodes = opts.natsNodes ?? 3;
    const nats = await startNatsCluster({ size: natsNodes, storeDir: join(dir, 'nats'), auth });
    stops.push(() => nats.stop());
    await nats.waitHealthy();

    const secretKey = randomBytes(32).toString('base64');
    const adminKey = `drill_admin_${randomBytes(12).toString('hex')}`;
    const storageDir = join(dir, 'storage');
    const replicas = Object.fromEntries(SERVICES.map((s) => [s, [] as ServiceReplica[]])) as Record<ServiceName, ServiceReplica[]>;
    const gatewayUrls: string[] = [];
    const taken = new Set<number>();
    const distinctPort = async (): Promise<number> => {
      const port = await freePort();
      if (taken.has(port)) return distinctPort();
      taken.add(port);
      return port;
    };
    for (const service of SERVICES) {
      for (let i = 1; i <= replicaCount; i++) {
        const healthPort = await distinctPort();
        const env: Record<string, string> = {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          // Each replica lists the nodes from a different one first: connections spread over the cluster.
          NATS_URL: rotate(nats.urlFor(service).split(','), i).join(','),
          NATS_STREAM_REPLICAS: String(natsNodes),
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'json',
          HEALTH_PORT: String(healthPort),
        };
        if (service !== 'gateway') env.DATABASE_URL = postgres.url;
        if (service === 'registry' || service === 'executor') env.AGENTRY_SECRET_KEY = secretKey;
        if (service === 'registry') env.AGENTRY_BOOTSTRAP_API_KEY = adminKey;
        if (service === 'executor') {
          Object.assign(env, {
            AGENTRY_WORK_DIR: join(dir, `work-${i}`),
            AGENTRY_STORAGE_DIR: storageDir,
            // The drill is about the platform around runs; the sandbox has its own tests.
            AGENTRY_ISOLATION: 'none',
            EXECUTOR_SLOTS: '4',
            EXECUTOR_HEARTBEAT_TTL_MS: String(opts.heartbeatTtlMs ?? 5000),
            EXECUTOR_RETRY_BACKOFF_MS: '500',
          });
        }
        if (service === 'gateway') {
          const port = await distinctPort();
          env.PORT = String(port);
          env.HOST = '127.0.0.1';
          // One client (the drill) sends many requests with one key: not what the per-key limit is about.
          env.KEY_RATE_LIMIT = '0';
          gatewayUrls.push(`http://127.0.0.1:${port}`);
        }
        Object.assign(env, opts.env?.[service]);
        const replica = new ServiceReplica(service, `${service}-${i}`, join(REPO_ROOT, 'apps', service, 'dist', 'main.js'), env, healthPort, logDir);
        replicas[service].push(replica);
        stops.push(() => replica.stop());
      }
    }
    // The first registry alone: it migrates the schema and creates the first org; then everything else at once.
    await replicas.registry[0]!.start();
    await Promise.all(SERVICES.flatMap((s) => replicas[s]).map((r) => r.start()));
    return { postgres, nats, natsUrl: nats.urlFor(TEST_USER), replicas, gatewayUrls, adminKey, logDir, close };
  } catch (error) {
    process.env.AGENTRY_KEEP_PLATFORM_DIR ??= '1';
    await close();
    throw new Error(`${(error as Error).message} (logs kept in ${logDir})`, { cause: error });
  }
}

const rotate = <T>(items: T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

async function startDrillPostgres(dataDir: string): Promise<DrillPostgres & { stop(): Promise<void> }> {
  const port = await freePort();
  const options = {
    dataDir,
    port,
    // fsync off is safe here (the machine does not crash, only processes do); synchronous_commit stays
    // on, so an immediate shutdown never loses a commit a client was told about.
    ephemeral: true,
    settings: { synchronous_commit: 'on', max_connections: 400 },
  };
  let server = await startEmbeddedPostgres(options);
  return {
    url: server.url,
    get pid() {
      return server.pid;
    },
    async restart(downMs = 2000) {
      const pid = server.pid;
      process.kill(pid, 'SIGQUIT');
      while (isAlive(pid)) await sleep(50);
      await sleep(downMs);
      server = await startEmbeddedPostgres(options);
    },
    stop: () => server.stop(),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
