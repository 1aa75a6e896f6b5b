import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { ManagedProcess } from './managed-process.js';
import type { RunningServer } from './running-server.js';

const run = promisify(execFile);
const BINARY = 'nats-server';
const FALLBACK_DIRS = ['/usr/sbin', '/usr/bin'];
const SHUTDOWN_GRACE_MS = 5_000;
const START_TIMEOUT_MS = 30_000;

/**
 * Path of nats-server (PATH, then /usr/sbin, /usr/bin). When missing and we are root on a
 * machine with apt-get, installs Debian's package; otherwise throws saying what to install.
 */
export async function ensureNatsServerBinary(log: (line: string) => void = () => undefined): Promise<string> {
  const found = await findNatsServer();
  if (found) return found;
  if (process.getuid?.() === 0 && (await isExecutable('/usr/bin/apt-get'))) {
    log(`${BINARY} not found: installing it with apt-get`);
    await aptInstallNatsServer(log);
    const installed = await findNatsServer();
    if (installed) return installed;
  }
  throw new Error(
    `${BINARY} was not found on PATH, in /usr/sbin or /usr/bin. Install it: \`sudo apt-get install nats-server\` ` +
      `(Debian/Ubuntu), or put the nats-server binary from https://github.com/nats-io/nats-server/releases on PATH, ` +
      `or set NATS_URL to an existing NATS server with JetStream enabled.`,
  );
}

async function findNatsServer(): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, BINARY);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

let aptUpdated: Promise<unknown> | undefined;

async function aptInstallNatsServer(log: (line: string) => void): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  aptUpdated ??= run('apt-get', ['update'], { env });
  await aptUpdated;
  const { stdout } = await run('apt-get', ['install', '-y', BINARY], { env });
  for (const line of stdout.split('\n').filter(Boolean).slice(-3)) log(line);
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Spawns nats-server with JetStream on 127.0.0.1:port storing in storeDir and waits until it
 * accepts connections. stop(): SIGTERM, then SIGKILL after a grace period.
 */
/** Credentials every client must present; written to a 0600 config file, never on the command line. */
export interface NatsAuth {
  user: string;
  password: string;
}

export async function startNatsServer(opts: {
  port: number;
  storeDir: string;
  /** When set, clients must authenticate (the url carries the credentials). */
  auth?: NatsAuth;
  onLog?: (line: string) => void;
}): Promise<RunningServer & { pid: number }> {
  const binary = await ensureNatsServerBinary(opts.onLog);
  await mkdir(opts.storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(opts.port), '-js', '-sd', opts.storeDir];
  if (opts.auth) args.push('-c', await writeAuthConfig(opts.storeDir, opts.auth));
  const server = ManagedProcess.spawn(BINARY, binary, args, { onLine: opts.onLog });
  // The log line proves it is OUR server that listens (the port could be taken by another process).
  const ready = server.waitForLine(/Server is ready/).then(() => server.waitForPort(opts.port));
  await server.waitReady(ready, START_TIMEOUT_MS);
  const credentials = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.password)}@` : '';
  return {
    url: `nats://${credentials}127.0.0.1:${opts.port}`,
    pid: server.pid,
    stop: () => server.stop(['SIGTERM', 'SIGKILL'], SHUTDOWN_GRACE_MS),
  };
}

/** A process listing shows command lines to every local user: the password goes in a file only the owner reads. */
async function writeAuthConfig(storeDir: string, auth: NatsAuth): Promise<string> {
  const file = join(storeDir, 'auth.conf');
  await writeFile(file, `authorization {\n  user: ${JSON.stringify(auth.user)}\n  password: ${JSON.stringify(auth.password)}\n}\n`, { mode: 0o600 });
  return file;
}
