/** The launcher's data folder (`.agentry/` by default) and the secret files kept in it. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Where root's embedded Postgres clusters live when the data folder is out of the postgres user's reach. */
export const REACHABLE_CLUSTERS_ROOT = '/var/lib/agentry/clusters';

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
 * The embedded Postgres cluster's folder: `<dataDir>/postgres`, unless we are root and the
 * `postgres` user cannot enter a folder above it — the newcomer's case, a clone under /root
 * (0700). Then the cluster lives in `/var/lib/agentry/clusters/<random id>` and
 * `<dataDir>/postgres` is a symbolic link to it: the data folder still says where its database
 * is, and deleting the data folder starts over with a new cluster (the old one stays until
 * removed by hand; nothing is deleted for the user). A random id, not one derived from the
 * path, so a new data folder never meets an old cluster whose password it does not hold.
 */
export async function postgresClusterDir(dataDir, clustersRoot = REACHABLE_CLUSTERS_ROOT) {
  const inside = path.join(dataDir, 'postgres');
  const linked = await fs.readlink(inside).catch(() => undefined);
  if (linked) return path.resolve(dataDir, linked);
  if ((await exists(inside)) || !(await folderBlockingPostgresUser(inside))) return inside;
  await fs.mkdir(clustersRoot, { recursive: true, mode: 0o755 });
  const cluster = path.join(clustersRoot, randomBytes(8).toString('hex'));
  try {
    await fs.symlink(cluster, inside);
  } catch (error) {
    if (error.code === 'EEXIST') return postgresClusterDir(dataDir, clustersRoot); // another launcher linked first
    throw error;
  }
  return cluster;
}

/**
 * A cluster already kept in `<dataDir>/postgres` (a real folder, not our link) that the
 * `postgres` user cannot reach: the one case the launcher cannot arrange by itself. Returns the
 * blocking folder, if any.
 */
export async function unreachableExistingCluster(dataDir) {
  const inside = path.join(dataDir, 'postgres');
  const info = await fs.lstat(inside).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  return folderBlockingPostgresUser(inside);
}

async function exists(file) {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * When run as root, embedded Postgres runs as the `postgres` user, which must be able to
 * traverse every folder above its data folder. Returns the first folder it cannot, if any.
 */
export async function folderBlockingPostgresUser(dataDir) {
  if (process.getuid?.() !== 0) return undefined;
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat && (stat.mode & 0o001) === 0) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}
