import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { bootstrapFile, bootstrapPath } from './runtime-files.js';
import { bubblewrapArgs, networkHolderCommand, SANDBOX } from './sandbox.js';
import { runIdentity, type RunUser } from './run-user.js';
import type { Isolation, RunLimits } from './types.js';
import type { RunFolder } from './workdir.js';

export interface RunCommand {
  file: string;
  args: string[];
  /** How the script sees its folders (`modules`: its runtime image's node_modules). */
  paths: { work: string; tmp: string; storage: string; modules: string };
  /** In bubblewrap: bwrap reports the sandbox's pid on INFO_FD. */
  sandboxed: boolean;
  /** The sandbox needs its network attached before the script starts (the main process is then its network holder). */
  network: boolean;
}

/** V8's heap gets this share of the memory limit; the rest is for buffers, code and node itself. */
const HEAP_SHARE = 0.75;
const MIN_HEAP_MB = 16;

/**
 * `/bin/sh -c 'exec 2>&1; ulimit …; exec "$@"'` puts stderr on the same pipe as stdout, so the
 * console output is one stream in arrival order, sets the file size and descriptor limits (and,
 * without a cgroup, the memory one), inherited by everything below, and runs the rest; `exec`
 * keeps the pid, which leads the run's process group. In a sandbox, prlimit (util-linux) sets the
 * process limit too — inside it, so the count is the sandbox's own.
 */
export function buildRunCommand(
  isolation: Isolation,
  network: boolean,
  folder: RunFolder,
  storageDir: string,
  limits: RunLimits,
  cgroup = false,
  user: RunUser | null = null,
  imageModulesDir?: string,
): RunCommand {
  const sandboxed = isolation === 'bubblewrap';
  const sandboxNetwork = sandboxed && network ? { resolvConf: folder.resolvConf, identity: runIdentity(user) } : undefined;
  const paths = sandboxed
    ? { work: SANDBOX.work, tmp: SANDBOX.tmp, storage: SANDBOX.storage, modules: SANDBOX.imageModules }
    : { work: folder.dir, tmp: folder.tmpDir, storage: storageDir, modules: imageModulesDir ?? '' };
  const bootstrap = sandboxed ? join(SANDBOX.runtime, bootstrapFile) : bootstrapPath;
  // A warm runner (no script yet) learns its script's path in `init`.
  const node = [process.execPath, ...nodeOptions(limits), bootstrap, ...(folder.scriptFile ? [join(paths.work, folder.scriptFile)] : [])];
  // One limit per ulimit (dash takes no more); a limit that cannot be set fails the run, visibly.
  // RLIMIT_DATA per process only without a cgroup: with one, the run's total is capped and an
  // overrun ends the run as 'memory-limit'. RLIMIT_FSIZE (dash counts 512-byte blocks): no single
  // file beyond the run's disk cap, whatever the watcher's polling lets through.
  const limitsLine = [
    ...(cgroup ? [] : [`ulimit -d ${limits.memoryMb * 1024}`]),
    `ulimit -n ${limits.maxFileDescriptors}`,
    `ulimit -f ${limits.diskMb * 2048}`,
  ].join(' && ');
  const shell = `exec 2>&1; ${limitsLine} && exec "$@"`;
  const command = sandboxed
    ? [
        ...(sandboxNetwork ? networkHolderCommand() : []),
        requireExecutable('bwrap'),
        ...bubblewrapArgs({ workDir: folder.dir, tmpDir: folder.tmpDir, storageDir, network: sandboxNetwork, reportPid: true, imageModulesDir }),
        ...processLimit(limits),
        ...node,
      ]
    : node;
  return { file: '/bin/sh', args: ['-c', shell, 'agentry-run', ...command], paths, sandboxed, network: sandboxNetwork !== undefined };
}

/**
 * The heap cap is a V8 flag, and on Node 20 (V8 11.3) any V8 flag makes V8 reject node's embedded code
 * cache: every built-in module loaded after the startup snapshot (net and the streams for the channel and
 * a piped stdout…) is compiled from source — ~9 ms of CPU per run (docs/PERFORMANCE.md, Warm runners).
 * Kept: without it V8 sizes its heap from the host's memory (4 GiB here) and lets it grow past the run's
 * cgroup cap before collecting, so a script with a few hundred MB live would be OOM-killed where it runs
 * today; set after start (v8.setFlagsFromString) it does not move the limit. V8 ignores memory flags in
 * that hash from 87356585659b on (nodejs/node#60069): with such a node the cost goes by itself.
 */
function nodeOptions(limits: RunLimits): string[] {
  const heapMb = Math.max(MIN_HEAP_MB, Math.floor(limits.memoryMb * HEAP_SHARE));
  // A `.js` script with import/export is detected as an ES module; the notice would pollute its output.
  return [`--max-old-space-size=${heapMb}`, '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'];
}

/**
 * RLIMIT_NPROC counts every process (and thread) of a user: outside a sandbox that is the
 * executor's whole user, so it is only set inside one. (The shell's own flag differs between
 * dash and bash; prlimit is the same everywhere.)
 */
function processLimit(limits: RunLimits): string[] {
  const prlimit = findExecutable('prlimit');
  return prlimit ? [prlimit, `--nproc=${limits.maxProcesses}`, '--'] : [];
}

export function requireExecutable(name: string): string {
  const path = findExecutable(name);
  if (!path) throw new Error(`${name} is not installed`);
  return path;
}
