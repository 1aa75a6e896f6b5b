import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { bootstrapFile, bootstrapPath } from './runtime-files.js';
import { bubblewrapArgs, SANDBOX } from './sandbox.js';
import type { Isolation, RunLimits } from './types.js';
import type { RunFolder } from './workdir.js';

export interface RunCommand {
  file: string;
  args: string[];
  /** How the script sees its folders. */
  paths: { work: string; tmp: string; storage: string };
  /** In bubblewrap: bwrap reports the sandbox's pid on INFO_FD. */
  sandboxed: boolean;
  /** The sandbox needs its network attached before the script starts. */
  network: boolean;
}

/** V8's heap gets this share of the memory limit; the rest is for buffers, code and node itself. */
const HEAP_SHARE = 0.75;
const MIN_HEAP_MB = 16;

/**
 * `/bin/sh -c 'exec "$@" 2>&1'` runs the rest with stderr on the same pipe as stdout, so the
 * console output is one stream in arrival order; `exec` keeps the pid, which leads the run's
 * process group. The OS limits are set by prlimit (util-linux) — inside the sandbox, so the
 * process count is the sandbox's own — or, without prlimit, by the shell's ulimit.
 */
export function buildRunCommand(isolation: Isolation, network: boolean, folder: RunFolder, storageDir: string, limits: RunLimits): RunCommand {
  const sandboxed = isolation === 'bubblewrap';
  const sandboxNetwork = sandboxed && network ? { resolvConf: folder.resolvConf } : undefined;
  const paths = sandboxed
    ? { work: SANDBOX.work, tmp: SANDBOX.tmp, storage: SANDBOX.storage }
    : { work: folder.dir, tmp: folder.tmpDir, storage: storageDir };
  const bootstrap = sandboxed ? join(SANDBOX.runtime, bootstrapFile) : bootstrapPath;
  const node = [process.execPath, ...nodeOptions(limits), bootstrap, join(paths.work, folder.scriptFile)];
  const prlimit = findExecutable('prlimit');
  const limited = prlimit ? [prlimit, ...prlimitArgs(limits, sandboxed), '--', ...node] : node;
  const shell = prlimit ? 'exec "$@" 2>&1' : `ulimit -d ${limits.memoryMb * 1024} -n ${limits.maxFileDescriptors}; exec "$@" 2>&1`;
  const command = sandboxed
    ? [requireExecutable('bwrap'), ...bubblewrapArgs({ workDir: folder.dir, tmpDir: folder.tmpDir, storageDir, network: sandboxNetwork, reportPid: true }), ...limited]
    : limited;
  return { file: '/bin/sh', args: ['-c', shell, 'agentry-run', ...command], paths, sandboxed, network: sandboxNetwork !== undefined };
}

function nodeOptions(limits: RunLimits): string[] {
  const heapMb = Math.max(MIN_HEAP_MB, Math.floor(limits.memoryMb * HEAP_SHARE));
  // A `.js` script with import/export is detected as an ES module; the notice would pollute its output.
  return [`--max-old-space-size=${heapMb}`, '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'];
}

/**
 * RLIMIT_NPROC counts every process (and thread) of a user: outside a sandbox that is the
 * executor's whole user, so it is only set inside one, where the count is the sandbox's own.
 */
function prlimitArgs(limits: RunLimits, sandboxed: boolean): string[] {
  const args = [`--data=${limits.memoryMb * 1024 * 1024}`, `--nofile=${limits.maxFileDescriptors}`];
  if (sandboxed) args.push(`--nproc=${limits.maxProcesses}`);
  return args;
}

export function requireExecutable(name: string): string {
  const path = findExecutable(name);
  if (!path) throw new Error(`${name} is not installed`);
  return path;
}
