import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where root keeps a copy of the runtime the run user can read (see reachableForRunUser). */
export const REACHABLE_RUNTIME_ROOT = '/var/lib/agentry';

/**
 * As root, scripts run as the run user (and bubblewrap opens the runtime's folder as that user),
 * which must be able to read the runtime. From a repository cloned under /root (mode 0700) it
 * cannot, and every run failed before its first line. Then the folder is copied once per content
 * into `/var/lib/agentry/runtime-<hash>` (root-owned, 0755: only root can change what every
 * script loads) and that copy is used. Not root, or the folder already reachable: unchanged.
 */
export function reachableForRunUser(dir: string, copyRoot = REACHABLE_RUNTIME_ROOT): string {
  if (process.getuid?.() !== 0 || othersCanEnter(dir)) return dir;
  // Every file, sub-folders included (browser/): a change anywhere is a new copy.
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => !statSync(join(dir, file)).isDirectory()).sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  const copy = join(copyRoot, `runtime-${hash.digest('hex').slice(0, 16)}`);
  if (!isDirectory(copy)) {
    mkdirSync(copyRoot, { recursive: true, mode: 0o755 });
    // Copied beside and renamed into place: a second executor starting at once never sees half a copy.
    const partial = `${copy}.partial-${randomBytes(6).toString('hex')}`;
    try {
      cpSync(dir, partial, { recursive: true });
      renameSync(partial, copy);
    } catch (error) {
      if (!isDirectory(copy)) throw error;
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  // The folder above too: whoever may write there could swap the copy for another.
  for (const folder of [copyRoot, copy]) {
    const info = statSync(folder);
    if (info.uid !== 0 || (info.mode & 0o022) !== 0)
      throw new Error(`${folder} must belong to root and be writable by root only (every script loads the runtime from it)`);
  }
  return copy;
}

function othersCanEnter(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Folder of `@agentry/runtime`'s script side (bootstrap + API), run unbuilt inside the child. */
export const runtimeScriptDir: string = reachableForRunUser(dirname(createRequire(import.meta.url).resolve('@agentry/runtime/script-dir')));
export const bootstrapFile = 'bootstrap.cjs';
export const bootstrapPath: string = join(runtimeScriptDir, bootstrapFile);

/** The names a script may load the runtime by; each resolves to runtimeScriptDir. */
export const runtimeModuleNames = ['phantombuster', 'agentry', '@agentry/runtime'] as const;
