/** The launcher's data folder (`.agentry/` by default) and the secret files kept in it. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where root keeps the data folders that run as another user (Postgres's cluster, the agents'
 * storage, read by the scripts' run user) when the data folder is out of that user's reach.
 */
export const REACHABLE_DATA_ROOT = '/var/lib/agentry';

/**
 * Creates the data folder. It stays world-traversable (0755): when run as root, Postgres runs
 * as the `postgres` user and must reach its sub-folder. Secrets inside are files with mode 0600.
 */
export async function prepareDataDir(dir) {
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
}

/**
 * Reads a secret kept in a file of mode 0600, creating the file with `generate()` the first
 * time. Safe against two launchers racing to create it (`wx`: the loser reads the winner's).
 */
export async function readOrCreateSecretFile(file, generate) {
  try {
    const value = (await fs.readFile(file, 'utf8')).trim();
    await fs.chmod(file, 0o600);
    return { value, created: false };
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const value = generate();
  try {
    await fs.writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error.code === 'EEXIST') return readOrCreateSecretFile(file, generate);
    throw error;
  }
  return { value, created: true };
}

/**
 * The folder `<dataDir>/<name>` for data another OS user works in: Postgres's cluster (user
 * `postgres`) and the agents' storage (the scripts' run user). When we are root and those users
 * cannot enter a folder above it — the newcomer's case, a clone under /root (0700) — the folder
 * lives in `/var/lib/agentry/<name>/<random id>` instead and `<dataDir>/<name>` is a symbolic
 * link to it: the data folder still says where its data is, and deleting the data folder starts
 * over with new folders (the old ones stay until removed by hand; nothing is deleted for the
 * user). A random id, not one derived from the path, so a new data folder never meets an old
 * cluster whose password it does not hold. An empty real folder left there (a failed start) is
 * replaced by the link; a non-empty one is used as it is (see unreachableExistingCluster).
 */
export async function reachableDataFolder(dataDir, name, root = REACHABLE_DATA_ROOT) {
  const inside = path.join(dataDir, name);
  const linked = await fs.readlink(inside).catch(() => undefined);
  if (linked) return path.resolve(dataDir, linked);
  if (!(await folderBlockingPostgresUser(inside))) return inside;
  if (
    (await exists(inside)) &&
    !(await fs.rmdir(inside).then(
      () => true,
      () => false,
    ))
  )
    return inside;
  const home = path.join(root, name);
  await fs.mkdir(home, { recursive: true, mode: 0o755 });
  const target = path.join(home, randomBytes(8).toString('hex'));
  try {
    await fs.symlink(target, inside);
  } catch (error) {
    if (error.code === 'EEXIST') return reachableDataFolder(dataDir, name, root); // another launcher linked first
    throw error;
  }
  await fs.mkdir(target, { mode: 0o755 });
  return target;
}

/**
 * A cluster already kept in `<dataDir>/postgres` (a non-empty real folder, not our link) that
 * the `postgres` user cannot reach: the one case the launcher cannot arrange by itself. Returns
 * the blocking folder, if any.
 */
export async function unreachableExistingCluster(dataDir) {
  const inside = path.join(dataDir, 'postgres');
  const info = await fs.lstat(inside).catch(() => undefined);
  if (!info?.isDirectory() || (await fs.readdir(inside)).length === 0) return undefined;
  return folderBlockingPostgresUser(inside);
}

async function exists(file) {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * When run as root, embedded Postgres runs as the `postgres` user (and scripts as the run user),
 * which must be able to traverse every folder above its data folder. Returns the first folder
 * others cannot enter, if any.
 */
export async function folderBlockingPostgresUser(dataDir) {
  if (process.getuid?.() !== 0) return undefined;
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat && (stat.mode & 0o001) === 0) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}
