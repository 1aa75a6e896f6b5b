import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectCgroups } from './cgroups.js';
import { findExecutable } from './executables.js';
import { runUserFor, type RunUser } from './run-user.js';
import { isolationAvailable } from './sandbox.js';
import { describeSandboxNetwork } from './sandbox-network.js';
import type { RunRequest } from './types.js';

export interface IsolationSettings {
  isolation: RunRequest['isolation'];
  runUser: RunUser;
}

const INSTALL = 'install bubblewrap and slirp4netns (Debian/Ubuntu: `apt-get install bubblewrap slirp4netns`)';

/**
 * What keeps the executor from starting: a sandbox asked for (auto or bubblewrap) and none
 * usable — never a silent fall back to running scripts unsandboxed — or a folder the run user
 * cannot reach. Empty when all is well.
 */
export async function checkIsolation(
  settings: IsolationSettings & { folders: [name: string, path: string][] },
  probe: (user: RunUser | null) => Promise<'bubblewrap' | 'none'> = isolationAvailable,
): Promise<string[]> {
  const problems: string[] = [];
  let user: RunUser | null;
  try {
    user = runUserFor(settings.runUser);
  } catch (error) {
    return [`AGENTRY_RUN_UID / AGENTRY_RUN_GID: ${(error as Error).message}`];
  }
  if (user) {
    const unusable = await runUserProblem(user, settings.folders);
    if (unusable) return [unusable];
  }
  if (settings.isolation !== 'none' && (await probe(user)) !== 'bubblewrap') {
    const why = findExecutable('bwrap')
      ? 'bubblewrap (bwrap) is installed but cannot create its namespaces here (unprivileged user namespaces disabled? check `sysctl user.max_user_namespaces` and, on Debian, `kernel.unprivileged_userns_clone`; in a container, allow them or run it privileged)'
      : `bubblewrap (bwrap) is not installed: ${INSTALL}`;
    problems.push(
      `AGENTRY_ISOLATION=${settings.isolation} runs every script in a bubblewrap sandbox, and none is usable here: ${why}. ` +
        'Or set AGENTRY_ISOLATION=none to run scripts WITHOUT a sandbox (development only: they can read what the host lets their user read).',
    );
  }
  if (user) {
    for (const [name, path] of settings.folders) {
      const blocker = untraversable(path, user);
      if (blocker)
        problems.push(
          `${name} (${path}): the run user (uid ${user.uid}) cannot reach it: ${blocker} gives it no search (x) permission; choose another folder or \`chmod o+x ${blocker}\``,
        );
    }
  }
  return problems;
}

/**
 * The executor must be able to hand folders to the run user — in the work and storage folders
 * themselves: an NFS export with root_squash refuses chown — and start processes as it (not so in
 * a user namespace that does not map its uid, e.g. a rootless container).
 */
async function runUserProblem(user: RunUser, folders: [name: string, path: string][]): Promise<string | null> {
  const scratch = mkdtempSync(join(tmpdir(), 'agentry-run-user-'));
  let where = 'a temporary folder';
  try {
    chownSync(scratch, user.uid, user.gid);
    for (const [name, folder] of folders) {
      where = `${name} (${folder})`;
      const probe = mkdtempSync(join(folder, '.agentry-run-user-'));
      try {
        chownSync(probe, user.uid, user.gid);
      } finally {
        rmSync(probe, { recursive: true, force: true });
      }
    }
    where = 'a process';
    await new Promise<void>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', 'exit 0'], { cwd: scratch, stdio: 'ignore', ...user });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
    return null;
  } catch (error) {
    return (
      `AGENTRY_RUN_UID / AGENTRY_RUN_GID (${user.uid}:${user.gid}): the executor cannot hand ${where} to this user ` +
      `(${(error as Error).message}); set them to a user and group that exist on this host (or in this container's user namespace), ` +
      'on folders that allow chown (no NFS root_squash)'
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The first folder on the way to `path` (itself included) the user may not pass through; null when none. */
function untraversable(path: string, user: RunUser): string | null {
  const chain: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let stat;
    try {
      stat = statSync(dir);
    } catch {
      return null; // created later by the executor (mode 0755)
    }
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return dir;
  }
  return null;
}

/** One line for the start-up log: sandbox or not, network, run user, cgroups. */
export async function describeIsolation(settings: IsolationSettings): Promise<string> {
  const user = runUserFor(settings.runUser);
  const as = user ? `as uid ${user.uid}:${user.gid}` : `as the executor's own uid ${process.getuid?.()} (not root: it cannot switch users)`;
  const cgroups = await detectCgroups();
  const limits = cgroups
    ? `per-run cgroup ${cgroups.version} limits (memory, pids, cpu) under ${cgroups.root}`
    : 'per-process rlimits only (no writable cgroup: memory and processes are not capped per run as a whole)';
  if (settings.isolation === 'none') {
    return `isolation none: scripts run WITHOUT a sandbox, ${as}, with ${limits}; they can read what that user may read, see the host's processes and reach its network`;
  }
  const network = await describeSandboxNetwork(user);
  return `isolation bubblewrap (AGENTRY_ISOLATION=${settings.isolation}): scripts run sandboxed, ${as}, network ${network}, with ${limits}`;
}
