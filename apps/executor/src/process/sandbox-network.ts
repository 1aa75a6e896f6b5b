import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { deniedRanges, ipRuleBatches, type Cidr } from './egress-rules.js';
import { findExecutable } from './executables.js';
import type { RunRequest, SandboxNetwork } from './types.js';

/** slirp4netns' fds in its own process: it writes READY once the tap is up, exits when EXIT closes. */
const READY_FD = 3;
const EXIT_FD = 4;
/** The sandbox's network namespace, held open and handed to slirp4netns and nsenter at this fd. */
const SLIRP_NETNS_FD = 5;
const NSENTER_NETNS_FD = 3;
/** Large MTU: fewer, bigger frames through the user-mode stack (slirp4netns' recommended value). */
const MTU = 65520;
/** slirp4netns' DNS forwarder, as the sandbox sees it (its default 10.0.2.0/24 network). */
export const SLIRP_DNS = '10.0.2.3';

/**
 * The network a sandboxed run gets. 'internet' needs slirp4netns, and the egress rules need
 * nsenter + ip and an executor running as root: only root may enter the network namespace of a
 * sandbox owned by the run user, and an unprivileged owner loses its capabilities there at the
 * exec of `ip`. Where the rules cannot be applied, 'auto' gives no network rather than an open one.
 */
export function sandboxNetwork(wanted: RunRequest['network'] = 'auto'): SandboxNetwork {
  if (wanted === 'none') return 'none';
  const missing = whyNoPolicedNetwork();
  if (wanted === 'internet' && missing) throw new Error(`a sandbox cannot have network here: ${missing}`);
  return missing ? 'none' : 'internet';
}

/** For the executor's start-up line: what network a sandbox gets here, and why not when none. */
export function describeSandboxNetwork(): string {
  const missing = whyNoPolicedNetwork();
  return missing
    ? `none (${missing})`
    : 'internet through slirp4netns, egress rules: no loopback, private, CGNAT, link-local, multicast or host address, nor AGENTRY_EGRESS_DENY, no IPv6';
}

function whyNoPolicedNetwork(): string | null {
  for (const tool of ['slirp4netns', 'nsenter', 'ip']) if (!findExecutable(tool)) return `${tool} is not installed`;
  if (process.getuid?.() !== 0) return "the egress rules (no private, link-local or host addresses) need the executor to run as root";
  return null;
}

export interface AttachedNetwork {
  close(): void;
}

/** The sandbox's pid as bwrap reports it on its info fd (a JSON document). */
export function sandboxPid(info: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    info.setEncoding('utf8');
    info.on('data', (chunk: string) => {
      text += chunk;
      try {
        resolve(Number(JSON.parse(text)['child-pid']));
      } catch {
        // not the whole JSON document yet
      }
    });
    info.on('error', reject);
    info.on('close', () => reject(new Error('the sandbox ended before reporting its pid')));
  });
}

/**
 * Gives a sandbox a policed, NATed uplink. slirp4netns joins the network namespace of `pid` and
 * brings up tap0 (10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3) with --disable-host-loopback, so
 * 10.0.2.2 never reaches the host's 127.0.0.1; then the egress rules (egress-rules.ts) go in —
 * after, because the kernel checks the default route's gateway (10.0.2.2, inside 10/8) against
 * them. The script is not running yet either way: call this once bwrap is done configuring the
 * namespace's loopback (both speak netlink there: concurrently, bwrap's setup may fail) — the
 * runner waits for the runtime's hello, and keeps the script waiting (no `init`) until this
 * resolves; if it throws, the run fails and the script never starts. slirp4netns ends when the
 * runner closes its exit fd — or dies, which closes it too.
 */
export async function attachNetwork(pid: number, operatorDenied: readonly Cidr[] = []): Promise<AttachedNetwork> {
  // The namespace is opened once and used through this descriptor: should the sandbox die and its
  // pid be reused, the rules still go to the sandbox's namespace, never to another process's (the
  // host's: prohibiting 10/8 there would cut the host off its own networks).
  const netns = openSync(`/proc/${pid}/ns/net`, 'r');
  try {
    const own = statSync('/proc/self/ns/net');
    const target = fstatSync(netns);
    if (target.ino === own.ino && target.dev === own.dev) throw new Error("the sandbox has no network namespace of its own: the executor's would get the rules");
    return await attachTo(netns, operatorDenied);
  } finally {
    closeSync(netns);
  }
}

async function attachTo(netns: number, operatorDenied: readonly Cidr[]): Promise<AttachedNetwork> {
  // By path, as root, without joining the sandbox's user namespace: the sandbox belongs to the run
  // user and, with --disable-userns, its processes sit in a nested user namespace from which the
  // network namespace cannot be entered (slirp4netns <pid> fails with setns: EPERM).
  // --enable-seccomp: slirp4netns parses the script's packets as root; its filter denies the
  // syscalls a compromised slirp would want (mount, ptrace, kexec, module loading…). Not
  // --enable-sandbox: its mount namespace set-up unmounted shared mounts of the host's (the
  // /run/netns bind mounts of `ip netns`) when tried here.
  const slirp = spawn(findExecutable('slirp4netns')!, ['--configure', `--mtu=${MTU}`, '--disable-host-loopback', '--enable-seccomp', `--ready-fd=${READY_FD}`, `--exit-fd=${EXIT_FD}`, '--netns-type=path', `/proc/self/fd/${SLIRP_NETNS_FD}`, 'tap0'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe', netns],
  });
  const close = () => {
    slirp.stdio[EXIT_FD]?.destroy();
    slirp.kill('SIGKILL');
  };
  try {
    await ready(slirp);
    await applyEgressRules(netns, deniedRanges(operatorDenied));
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}

function ready(slirp: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    slirp.stdio[READY_FD]!.once('data', () => resolve());
    slirp.once('error', reject);
    slirp.once('exit', (code) => reject(new Error(`slirp4netns exited (${code}) before the network was up`)));
  });
}

/**
 * Adds the rules from the host side (root entering the sandbox's network namespace only): inside
 * the sandbox nothing has CAP_NET_ADMIN (bwrap drops every capability, and nested user namespaces
 * are disabled), so the script cannot remove them. Any failure fails the run: never an open network.
 */
async function applyEgressRules(netns: number, denied: readonly Cidr[]): Promise<void> {
  const batches = ipRuleBatches(denied, SLIRP_DNS);
  await inSandboxNetwork(netns, [findExecutable('ip')!, '-4', '-batch', '-'], batches.ipv4);
  // A kernel booted with ipv6.disable=1 has no IPv6 at all (nor its rules): nothing to refuse.
  if (existsSync('/proc/sys/net/ipv6')) await inSandboxNetwork(netns, [findExecutable('ip')!, '-6', '-batch', '-'], batches.ipv6);
}

function inSandboxNetwork(netns: number, command: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // nsenter enters the namespace held at its fd 3.
    const child = spawn(findExecutable('nsenter')!, [`--net=/proc/self/fd/${NSENTER_NETNS_FD}`, '--', ...command], { stdio: ['pipe', 'ignore', 'pipe', netns] });
    let errors = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`the egress rules could not be applied (${command.slice(1, 3).join(' ')}): ${errors.trim() || `exit ${code}`}`))));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(input);
  });
}
