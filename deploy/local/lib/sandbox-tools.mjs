/**
 * The sandbox the executor runs scripts in needs bubblewrap (bwrap) and, for their network,
 * slirp4netns. `npm start` installs them the way it installs nats-server (root + apt-get), and
 * answers the line it prints about the isolation in use. Without them the executor refuses to
 * start (AGENTRY_ISOLATION=auto), unless the operator chose AGENTRY_ISOLATION=none.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TOOLS = [
  { binary: 'bwrap', pkg: 'bubblewrap' },
  { binary: 'slirp4netns', pkg: 'slirp4netns' },
];
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function findBinary(name, env = process.env) {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return path.join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Installs what is missing (root with apt-get only; otherwise says what to install) and answers
 * the banner line: which isolation the executor will use.
 */
export async function ensureSandboxTools({
  isolation = process.env.AGENTRY_ISOLATION ?? 'auto',
  log = () => undefined,
  find = findBinary,
  install = aptInstall,
} = {}) {
  if (isolation === 'none') {
    return 'Sandbox:  NONE (AGENTRY_ISOLATION=none): scripts run without a sandbox — development only';
  }
  let missing = TOOLS.filter((tool) => !find(tool.binary));
  if (missing.length && process.getuid?.() === 0 && find('apt-get')) {
    log(`${missing.map((t) => t.binary).join(' and ')} not found: installing ${missing.map((t) => t.pkg).join(' ')} with apt-get (the scripts' sandbox)`);
    try {
      await install(
        missing.map((t) => t.pkg),
        log,
      );
    } catch (error) {
      log(`apt-get could not install ${missing.map((t) => t.pkg).join(' ')}: ${error?.message ?? error}`);
    }
    missing = TOOLS.filter((tool) => !find(tool.binary));
  }
  if (missing.some((t) => t.binary === 'bwrap')) {
    // The executor refuses to start and says why; this line says it first.
    log(
      `bubblewrap is not installed: install it (sudo apt-get install bubblewrap slirp4netns), or set AGENTRY_ISOLATION=none to run scripts without a sandbox (development only)`,
    );
    return 'Sandbox:  bubblewrap MISSING — the executor will not start without it (or AGENTRY_ISOLATION=none)';
  }
  const network = missing.length ? 'no network for scripts (slirp4netns missing)' : 'network through slirp4netns';
  return `Sandbox:  bubblewrap (AGENTRY_ISOLATION=${isolation}), ${network}, scripts as an unprivileged user`;
}

let aptUpdated;

async function aptInstall(packages, log) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  aptUpdated ??= run('apt-get', ['update'], { env });
  await aptUpdated;
  const { stdout } = await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  for (const line of stdout.split('\n').filter(Boolean).slice(-2)) log(line);
}
