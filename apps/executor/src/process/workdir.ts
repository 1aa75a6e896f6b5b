import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ModuleLink } from './runtime-modules.js';
import { runtimeModuleNames, runtimeScriptDir } from './runtime-files.js';
import { processAlive } from './process-group.js';

export interface RunFolder {
  /** `<workRoot>/<containerId>`: the script's cwd and HOME. */
  dir: string;
  /** Temporary files (TMPDIR), inside dir so they go with it. */
  tmpDir: string;
  /** The script's file name inside dir; absent in a warm runner's folder until its run is assigned (warm-pool.ts). */
  scriptFile?: string;
  /** resolv.conf for sandboxes with network (shared by every run of the work root). */
  resolvConf: string;
}

/** slirp4netns answers DNS on this address and forwards to the host's resolver. */
const SLIRP_DNS = '10.0.2.3';

/** A safe file name for the script: its base name, odd characters replaced, `.js` unless `.mjs` / `.cjs` / `.js`. */
export function scriptFileName(scriptName: string): string {
  const base = basename(scriptName.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '');
  if (!base) return 'script.js';
  return /\.(c|m)?js$/.test(base) ? base : `${base}.js`;
}

/**
 * Where a `lib-X.js` dependency goes in the run folder: `node_modules/lib-X/index.js`, which both
 * `require('lib-X')` and `import 'lib-X'` resolve (ESM finds a folder's index.js, not `lib-X.js`).
 * The registry only sends `lib-<name>.js` names; anything else is refused here too (no path escapes).
 */
export function libraryFolderName(name: string): string {
  const folder = /^(lib-[A-Za-z0-9_][A-Za-z0-9._-]*)\.js$/.exec(name)?.[1];
  if (!folder || folder.includes('..')) throw new Error(`Dependency ${JSON.stringify(name)} is not a lib-<name>.js script name`);
  return folder;
}

export async function createRunFolder(
  workRoot: string,
  containerId: number,
  scriptName: string,
  scriptText: string,
  libraries: { name: string; text: string }[] = [],
  moduleLinks: ModuleLink[] = [],
): Promise<RunFolder> {
  const folder = await createEmptyFolder(workRoot, String(containerId));
  return { ...folder, scriptFile: await writeRunFiles(folder.dir, scriptName, scriptText, libraries, moduleLinks) };
}

/**
 * A warm runner's folder (warm-pool.ts): `<workRoot>/warm-<executor pid>-<random>`, empty but for
 * `.tmp`, made before its run is known; the run's files are written in at assignment (writeRunFiles)
 * and it is removed with the runner, like any run folder. Never a container id, so never another run's.
 */
export function createWarmFolder(workRoot: string): Promise<RunFolder> {
  return createEmptyFolder(workRoot, `warm-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Warm runners' folders left by an executor that died (its pid is gone): removed. They hold only what
 * a run wrote (a runner's storage is bound elsewhere, storage-stage.ts), like any run folder.
 */
export async function sweepWarmFolders(workRoot: string): Promise<number> {
  const dead = (await readdir(workRoot).catch(() => [] as string[])).filter((name) => {
    const pid = /^warm-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
    return pid !== undefined && !processAlive(Number(pid));
  });
  for (const name of dead) await rm(join(workRoot, name), { recursive: true, force: true, maxRetries: 3 });
  return dead.length;
}

async function createEmptyFolder(workRoot: string, name: string): Promise<RunFolder> {
  await ensureSharedFiles(workRoot);
  const dir = join(workRoot, name);
  await rm(dir, { recursive: true, force: true });
  const tmpDir = join(dir, '.tmp');
  await mkdir(tmpDir, { recursive: true });
  return { dir, tmpDir, resolvConf: resolvConfPath(workRoot) };
}

/** Writes the script, its `lib-*` dependencies and the image's module links into a run folder; answers the script's file name. */
export async function writeRunFiles(
  dir: string,
  scriptName: string,
  scriptText: string,
  libraries: { name: string; text: string }[] = [],
  moduleLinks: ModuleLink[] = [],
): Promise<string> {
  const scriptFile = scriptFileName(scriptName);
  await writeFile(join(dir, scriptFile), scriptText);
  for (const lib of libraries) {
    const libDir = join(dir, 'node_modules', libraryFolderName(lib.name));
    await mkdir(libDir, { recursive: true });
    await writeFile(join(libDir, 'index.js'), lib.text);
  }
  // The runtime image's modules (runtime-modules.ts): links, never copies — the image stays read-only and shared.
  for (const link of moduleLinks) {
    const path = join(dir, 'node_modules', link.name);
    await mkdir(dirname(path), { recursive: true });
    await symlink(link.target, path);
  }
  return scriptFile;
}

export async function removeRunFolder(folder: RunFolder): Promise<void> {
  await rm(folder.dir, { recursive: true, force: true, maxRetries: 3 });
}

const prepared = new Map<string, Promise<void>>();

/**
 * Files the runs rely on, once per work root:
 * - `node_modules/<name>` links to the runtime, so `require('phantombuster')` and
 *   `import '@agentry/runtime'` resolve from any script in `<workRoot>/<id>/` (ESM ignores NODE_PATH);
 * - a `package.json` without "type", so a folder above (e.g. the repo's `"type": "module"`) does not
 *   decide how a `.js` script is parsed: node detects CommonJS or ES module syntax itself;
 * - `.sandbox/resolv.conf` for sandboxes with network.
 */
function ensureSharedFiles(workRoot: string): Promise<void> {
  let done = prepared.get(workRoot);
  if (!done) {
    done = writeSharedFiles(workRoot);
    prepared.set(workRoot, done);
    done.catch(() => prepared.delete(workRoot));
  }
  return done;
}

const resolvConfPath = (workRoot: string) => join(workRoot, '.sandbox', 'resolv.conf');

/**
 * Other executors may share the work root and be starting scripts right now (replicas on one host,
 * one restarted beside the others): every file and link is replaced atomically (written beside,
 * renamed over), never truncated or removed first. Node reads `package.json` as each script starts;
 * a truncated one made a run starting at that moment exit 1 before its first line.
 * Tested by workdir.test.ts.
 */
export async function writeSharedFiles(workRoot: string): Promise<void> {
  await mkdir(join(workRoot, '.sandbox'), { recursive: true });
  // Passable, not listable: a run (all share the run user) finds its own folder by name, and
  // an unsandboxed one cannot list the others'.
  await chmod(workRoot, 0o711);
  await replaceFile(resolvConfPath(workRoot), `nameserver ${SLIRP_DNS}\n`);
  await replaceFile(join(workRoot, 'package.json'), '{ "private": true }\n');
  for (const name of runtimeModuleNames) await linkTo(runtimeScriptDir, join(workRoot, 'node_modules', name));
}

const besideName = (path: string): string => `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;

async function replaceFile(path: string, text: string): Promise<void> {
  if ((await readFile(path, 'utf8').catch(() => null)) === text) return;
  const beside = besideName(path);
  await writeFile(beside, text);
  await rename(beside, path);
}

async function linkTo(target: string, link: string): Promise<void> {
  const current = await readlink(link).catch(() => null);
  if (current === target) return;
  await mkdir(dirname(link), { recursive: true });
  const beside = besideName(link);
  await symlink(target, beside, 'dir');
  // A symlink renamed over a symlink (or a file) replaces it at once; a real folder there must go first.
  await rename(beside, link).catch(async () => {
    await rm(link, { recursive: true, force: true });
    await rename(beside, link);
  });
}
