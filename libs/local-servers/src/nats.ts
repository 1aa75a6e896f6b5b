import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
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

/** One login of the server, with the subjects it may use (none given: everything). */
export interface NatsUserLogin {
  user: string;
  password: string;
  permissions?: NatsPermissionsConfig;
}

/** nats-server's allow lists; anything not allowed is refused (a "Permissions Violation"). */
export interface NatsPermissionsConfig {
  publish: string[];
  subscribe: string[];
}

/** Credentials clients must present; written to a 0600 config file, never on the command line. */
export interface NatsAuthorization {
  users: NatsUserLogin[];
  /** A client presenting no credentials is this user (tests only); unset: such a client is refused. */
  noAuthUser?: string;
}

/** A running server: `url` has no credentials, `urlFor(user)` carries that user's login. */
export interface RunningNatsServer extends RunningServer {
  pid: number;
  urlFor(user: string): string;
}

/**
 * Spawns nats-server with JetStream on 127.0.0.1:port storing in storeDir and waits until it
 * accepts connections. stop(): SIGTERM, then SIGKILL after a grace period.
 */
export async function startNatsServer(opts: {
  port: number;
  storeDir: string;
  /** When set, clients must log in as one of these users and are held to its permissions. */
  auth?: NatsAuthorization;
  onLog?: (line: string) => void;
}): Promise<RunningNatsServer> {
  const binary = await ensureNatsServerBinary(opts.onLog);
  await mkdir(opts.storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(opts.port), '-js', '-sd', opts.storeDir];
  if (opts.auth) args.push('-c', await writeAuthConfig(opts.storeDir, opts.auth));
  const server = ManagedProcess.spawn(BINARY, binary, args, { onLine: opts.onLog });
  // The log line proves it is OUR server that listens (the port could be taken by another process).
  const ready = server.waitForLine(/Server is ready/).then(() => server.waitForPort(opts.port));
  await server.waitReady(ready, START_TIMEOUT_MS);
  const url = `nats://127.0.0.1:${opts.port}`;
  return {
    url,
    pid: server.pid,
    urlFor: (user) => natsUrlWithLogin(url, loginOf(opts.auth, user)),
    stop: () => server.stop(['SIGTERM', 'SIGKILL'], SHUTDOWN_GRACE_MS),
  };
}

function loginOf(auth: NatsAuthorization | undefined, user: string): NatsUserLogin {
  const login = auth?.users.find((u) => u.user === user);
  if (!login) throw new Error(`nats-server has no user "${user}"`);
  return login;
}

/** `nats://user:password@host:port`: the form every service reads from NATS_URL. */
export function natsUrlWithLogin(url: string, login: Pick<NatsUserLogin, 'user' | 'password'>): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login.user);
  parsed.password = encodeURIComponent(login.password);
  return parsed.toString().replace(/\/$/, '');
}

/** A process listing shows command lines to every local user: passwords go in a file only the owner reads. */
async function writeAuthConfig(storeDir: string, auth: NatsAuthorization): Promise<string> {
  const file = join(storeDir, 'auth.conf');
  await writeFile(file, renderNatsAuthorization(auth), { mode: 0o600 });
  // writeFile's mode only applies to a new file: an older one (e.g. from a previous release) is tightened too.
  await chmod(file, 0o600);
  return file;
}

/**
 * A user of a configuration rendered for another machine (Kubernetes): its password is not in
 * the file but in the one `passwordInclude` names (a mounted Secret holding `password: "…"`).
 */
export interface NatsUserEntry {
  user: string;
  password?: string;
  passwordInclude?: string;
  permissions?: NatsPermissionsConfig;
}

/** nats-server configuration (its own syntax; JSON strings are valid in it) for these users. */
export function renderNatsAuthorization(auth: { users: NatsUserEntry[]; noAuthUser?: string }): string {
  const list = (subjects: string[]) => `[${subjects.map((s) => JSON.stringify(s)).join(', ')}]`;
  const passwordLine = (u: NatsUserEntry): string => {
    if (u.passwordInclude !== undefined) return `      include ${JSON.stringify(u.passwordInclude)}`;
    if (u.password !== undefined) return `      password: ${JSON.stringify(u.password)}`;
    throw new Error(`NATS user ${u.user} has neither a password nor a password include`);
  };
  const users = auth.users.map((u) => {
    const lines = [`      user: ${JSON.stringify(u.user)}`, passwordLine(u)];
    if (u.permissions) {
      const p = u.permissions;
      lines.push('      permissions: {', `        publish: { allow: ${list(p.publish)} }`, `        subscribe: { allow: ${list(p.subscribe)} }`, '      }');
    }
    return `    {\n${lines.join('\n')}\n    }`;
  });
  const noAuth = auth.noAuthUser ? `\nno_auth_user: ${JSON.stringify(auth.noAuthUser)}\n` : '';
  return `authorization {\n  users: [\n${users.join('\n')}\n  ]\n}\n${noAuth}`;
}
