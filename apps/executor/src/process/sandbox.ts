import { spawn } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { runtimeModuleNames, runtimeScriptDir } from './runtime-files.js';
import { runIdentity, type RunUser } from './run-user.js';
import type { Isolation } from './types.js';

/** Where things are inside the sandbox. */
export const SANDBOX = {
  work: '/work',
  tmp: '/tmp',
  storage: '/storage',
  runtime: '/opt/agentry/runtime',
  modules: '/node_modules',
  /** The run's runtime image's node_modules (read-only), linked from the run folder's node_modules. */
  imageModules: '/opt/agentry/image/node_modules',
} as const;

/** Top-level system folders: bound read-only, or re-created as the same symlink (merged /usr). */
const SYSTEM_ROOTS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** /etc entries a node script needs (DNS, TLS roots, users, time zone) — nothing else of /etc. */
const ETC_ENTRIES = [
  'resolv.conf',
  'hosts',
  'nsswitch.conf',
  'host.conf',
  'gai.conf',
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'pki',
  'localtime',
  'timezone',
  'alternatives',
  'passwd',
  'group',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'fonts',
];
/** Caches a browser reads (fontconfig's, else every run rebuilds it into its HOME): read-only, where the host has them. */
const SYSTEM_CACHES = ['/var/cache/fontconfig'];

export interface SandboxMounts {
  /** Host folder bound at /work (cwd, HOME). */
  workDir: string;
  /** Host folder bound at /tmp. */
  tmpDir: string;
  /** Host folder bound at /storage. */
  storageDir: string;
  /**
   * Outbound network through slirp4netns (see sandbox-network.ts): bwrap runs inside the run's
   * network holder (`unshare --user --map-root-user --net`) and keeps its network namespace
   * (`--share-net`), this resolv.conf (the slirp DNS forwarder) replaces the host's, and the
   * script gets `identity` (bwrap's default there would be the holder's uid 0). Absent: the
   * sandbox has a network namespace of its own with nothing but its loopback.
   */
  network?: { resolvConf: string; identity: RunUser };
  /** bwrap reports the sandbox's pid (its pid 1, as the host sees it) on INFO_FD. */
  reportPid?: boolean;
  /** The run's runtime image (host folder of its node_modules), bound read-only at SANDBOX.imageModules. */
  imageModulesDir?: string;
}

/** The child fd bwrap reports its sandbox's pid on. */
export const INFO_FD = 4;

/**
 * bubblewrap arguments (up to and including `--`). What the script gets:
 * - its own user (no nested ones), pid, ipc, uts and cgroup namespaces: it sees only its own processes;
 *   its network namespace is its own (only a loopback) or, with `network`, the run's network holder's:
 *   a user-mode NAT to the outside under egress rules it cannot change — see README;
 * - a root made of /usr (+ the merged-/usr symlinks), a few /etc files, node, the runtime
 *   (read-only), its run folder (/work), /tmp and the agent's storage folder (/storage)
 *   read-write, fresh /proc and /dev; nothing else of the host's filesystem;
 * - its own session (no terminal to inject into), no capabilities; it dies with its runner (--die-with-parent).
 */
export function bubblewrapArgs(mounts: SandboxMounts): string[] {
  // --new-session: the script's process group is the sandbox's own, so the runtime's soft-stop
  // SIGTERM (sent to its group) never reaches bwrap outside; a hard kill of bwrap's group takes
  // the sandbox's pid 1 and with it every process in the pid namespace.
  // --unshare-user (not bwrap's "try") so --disable-userns applies: the script cannot create
  // nested user namespaces, whose root could mount, or reach kernel code unprivileged users don't.
  const args = ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--hostname', 'agentry'];
  // The holder's user namespace is the parent of bwrap's: the script has no capability over the
  // network namespace the holder owns, so it cannot touch the egress rules put there.
  if (mounts.network) args.push('--share-net', '--uid', String(mounts.network.identity.uid), '--gid', String(mounts.network.identity.gid));
  args.push('--ro-bind', '/usr', '/usr');
  for (const root of SYSTEM_ROOTS) args.push(...systemRoot(`/${root}`));
  for (const entry of ETC_ENTRIES) {
    if (entry === 'resolv.conf' && mounts.network) args.push('--ro-bind', mounts.network.resolvConf, '/etc/resolv.conf');
    else args.push('--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`);
  }
  if (!process.execPath.startsWith('/usr/')) args.push('--ro-bind', process.execPath, process.execPath);
  args.push('--ro-bind', runtimeScriptDir, SANDBOX.runtime);
  args.push('--dir', `${SANDBOX.modules}/@agentry`);
  for (const name of runtimeModuleNames) args.push('--symlink', SANDBOX.runtime, `${SANDBOX.modules}/${name}`);
  if (mounts.imageModulesDir) args.push('--ro-bind', mounts.imageModulesDir, SANDBOX.imageModules);
  for (const cache of SYSTEM_CACHES) args.push('--ro-bind-try', cache, cache);
  args.push('--bind', mounts.workDir, SANDBOX.work, '--bind', mounts.tmpDir, SANDBOX.tmp, '--bind', mounts.storageDir, SANDBOX.storage);
  // The root is bwrap's tmpfs: read-only once built, so nothing outside the three folders above is writable.
  args.push('--proc', '/proc', '--dev', '/dev', '--remount-ro', '/', '--chdir', SANDBOX.work);
  if (mounts.reportPid) args.push('--info-fd', String(INFO_FD));
  args.push('--');
  return args;
}

function systemRoot(path: string): string[] {
  if (!existsSync(path)) return [];
  const stat = lstatSync(path);
  return stat.isSymbolicLink() ? ['--symlink', readlinkSync(path), path] : ['--ro-bind', path, path];
}

/**
 * The run's network holder (sandbox-network.ts): new user + network namespaces made by the run's
 * own (unprivileged) user, who is their root — so the executor, root or not, can attach
 * slirp4netns and put the egress rules in — then bwrap inside, sharing that network namespace
 * from a nested user namespace that has no capability over it. `unshare` execs bwrap (no fork):
 * the run's main process is the holder for as long as the sandbox lives.
 */
export function networkHolderCommand(): string[] {
  const unshare = findExecutable('unshare');
  if (!unshare) throw new Error('unshare is not installed');
  return [unshare, '--user', '--map-root-user', '--net', '--'];
}

const probes = new Map<string, Promise<boolean>>();

/**
 * 'bubblewrap' when bwrap is installed AND a trial sandbox runs node here as `user` (the run user
 * when the executor is root: bwrap then builds its sandbox in an unprivileged user namespace);
 * probed once per user.
 */
export async function isolationAvailable(user: RunUser | null = null): Promise<Isolation> {
  return (await probeOnce(user, false)) ? 'bubblewrap' : 'none';
}

/**
 * Whether a sandbox runs inside a network holder here as `user`: one more user namespace than a
 * plain sandbox, made by `unshare` rather than bwrap (a host may allow bwrap's and not that one,
 * e.g. AppArmor's restriction of unprivileged user namespaces to profiled programs, or a tight
 * `user.max_user_namespaces`). Probed once per user.
 */
export function networkHolderUsable(user: RunUser | null = null): Promise<boolean> {
  return probeOnce(user, true);
}

function probeOnce(user: RunUser | null, holder: boolean): Promise<boolean> {
  const key = `${user ? `${user.uid}:${user.gid}` : 'self'}${holder ? ' holder' : ''}`;
  let probe = probes.get(key);
  if (!probe) probes.set(key, (probe = probeSandbox(user, holder)));
  return probe;
}

async function probeSandbox(user: RunUser | null, holder: boolean): Promise<boolean> {
  const bwrap = findExecutable('bwrap');
  if (!bwrap || (holder && !findExecutable('unshare'))) return false;
  const scratch = mkdtempSync(join(tmpdir(), 'agentry-bwrap-probe-'));
  try {
    const resolvConf = join(scratch, 'resolv.conf');
    writeFileSync(resolvConf, '');
    if (user) chownSync(scratch, user.uid, user.gid);
    const network = holder ? { resolvConf, identity: runIdentity(user) } : undefined;
    const command = [
      ...(holder ? networkHolderCommand() : []),
      bwrap,
      ...bubblewrapArgs({ workDir: scratch, tmpDir: scratch, storageDir: scratch, network }),
      process.execPath,
      '-e',
      'require("phantombuster")',
    ];
    return await new Promise<boolean>((resolve) => {
      const child = spawn(command[0]!, command.slice(1), { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' }, cwd: scratch, ...(user ?? {}) });
      child.on('error', () => resolve(false));
      child.on('exit', (code) => resolve(code === 0));
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
