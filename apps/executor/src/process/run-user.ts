import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The host user a run's processes have. */
export interface RunUser {
  uid: number;
  gid: number;
}

/** nobody / nogroup on Debian: owns no file of the system. */
export const DEFAULT_RUN_USER: RunUser = { uid: 65534, gid: 65534 };

/**
 * Who the script runs as: when the executor is root, `configured` (never root: the kernel would
 * grant it every file of the host, ignore RLIMIT_NPROC, and let it read the executor's
 * /proc/<pid>/environ); otherwise the executor's own user, the only one it can start processes as.
 */
export function runUserFor(configured: RunUser = DEFAULT_RUN_USER): RunUser | null {
  if (process.getuid?.() !== 0) return null;
  if (configured.uid === 0 || configured.gid === 0) throw new Error('the run user must not be root (uid/gid 0)');
  return configured;
}

/** Who the run's processes are on the host: the run user, or the executor itself when it is not root. */
export function runIdentity(user: RunUser | null): RunUser {
  return user ?? { uid: process.getuid!(), gid: process.getgid!() };
}

/**
 * Hands a folder (or file) the executor created to the run user, mode 0700 / 0600. A symbolic
 * link planted by an earlier run (e.g. in the agent's storage) is refused (ELOOP), never
 * followed: a chown through it would give the run user /etc.
 */
export async function giveToRunUser(path: string, user: RunUser | null): Promise<void> {
  if (!user) return;
  // Opened without following a last-component link, then changed through the descriptor: a link
  // swapped in after a check could not redirect the chown.
  // O_NONBLOCK: a FIFO planted in its place must not hang the executor.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isDirectory() && !stat.isFile()) throw new Error(`${path} is not a plain folder or file: not handed to the run user`);
    await handle.chown(user.uid, user.gid);
    await handle.chmod(stat.isDirectory() ? 0o700 : 0o600);
  } finally {
    await handle.close();
  }
}
