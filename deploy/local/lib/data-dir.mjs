/** The launcher's data folder (`.agentry/` by default) and the secret files kept in it. */
import fs from 'node:fs/promises';
import path from 'node:path';

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
