import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { deniedRanges, ipRuleBatches, type Cidr, type HostPort } from './egress-rules.js';
import { findExecutable } from './executables.js';
import { runIdentity, type RunUser } from './run-user.js';
import { networkHolderUsable } from './sandbox.js';
import type { RunRequest, SandboxNetwork } from './types.js';

/** slirp4netns' fds in its own process: it writes READY once the tap is up, exits when EXIT closes. */
const READY_FD = 3;
const EXIT_FD = 4;
/** The holder's network and user namespaces, held open and handed to slirp4netns and nsenter at these fds. */
const SLIRP_NETNS_FD = 5;
const SLIRP_USERNS_FD = 6;
const NSENTER_NETNS_FD = 3;
const NSENTER_USERNS_FD = 4;
/** The IPv6 batch's pipe in the process entering the holder (its IPv4 batch is stdin). */
const NSENTER_IPV6_FD = 5;
/** Large MTU: fewer, bigger frames through the user-mode stack (slirp4netns' recommended value). */
const MTU = 65520;
/** slirp4netns' DNS forwarder, as the sandbox sees it (its default 10.0.2.0/24 network). */
export const SLIRP_DNS = '10.0.2.3';

/**
 * The network a sandboxed run gets. 'internet' needs slirp4netns, unshare, nsenter and ip, and
 * /dev/net/tun usable by the executor (slirp4netns runs as it). Root or not, the executor polices
 * the network through the run's holder (command.ts): user + network namespaces the run's own user
 * made, whose root it is; the script sits in a nested user namespace without any say over them.
 * Where the rules cannot be applied, 'auto' gives no network rather than an open one.
 */
export async function sandboxNetwork(wanted: RunRequest['network'] = 'auto', user: RunUser | null = null): Promise<SandboxNetwork> {
  if (wanted === 'none') return 'none';
  const missing = await whyNoPolicedNetwork(user);
  if (wanted === 'internet' && missing) throw new Error(`a sandbox cannot have network here: ${missing}`);
  return missing ? 'none' : 'internet';
}

/** For the executor's start-up line: what network a sandbox gets here, and why not when none. */
export async function describeSandboxNetwork(user: RunUser | null = null): Promise<string> {
  const missing = await whyNoPolicedNetwork(user);
  return missing
    ? `none (${missing})`
    : 'internet through slirp4netns, egress rules: no loopback, private, CGNAT, link-local, multicast or host address, nor AGENTRY_EGRESS_DENY, no IPv6';
}

const TUN = '/dev/net/tun';

async function whyNoPolicedNetwork(user: RunUser | null): Promise<string | null> {
  for (const tool of ['slirp4netns', 'unshare', 'nsenter', 'ip']) if (!findExecutable(tool)) return `${tool} is not installed`;
  if (!existsSync(TUN)) return `${TUN} does not exist (in a container, give it the device)`;
  // Root opens it whatever its mode; Debian's udev makes it 0666 for everyone else (no privilege:
  // a tap device can only be made in a network namespace one has CAP_NET_ADMIN over).
  if (process.getuid?.() !== 0 && !readWritable(TUN))
    return `${TUN} is not read-writable by the executor's user (uid ${process.getuid?.()}): \`chmod 0666 ${TUN}\` (what Debian's udev does)`;
  if (!(await networkHolderUsable(user))) {
    return `a sandbox inside its network holder (\`unshare --user --map-root-user --net\`, then bwrap) does not run here as uid ${runIdentity(user).uid}: unprivileged user namespaces restricted to some programs (AppArmor's kernel.apparmor_restrict_unprivileged_userns) or too few allowed (user.max_user_namespaces)?`;
  }
  return null;
}

function readWritable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
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
 * Gives a sandbox a policed, NATed uplink, through its network holder `holderPid` (the run's main
 * process once `unshare` made the holder's user + network namespaces and exec'd bwrap there; see
 * command.ts). slirp4netns joins those namespaces and brings up tap0 (10.0.2.100, gateway
 * 10.0.2.2, DNS 10.0.2.3) with --disable-host-loopback, so 10.0.2.2 never reaches the host's
 * 127.0.0.1; then the egress rules (egress-rules.ts) go in, entered as the holder's root — after,
 * because the kernel checks the default route's gateway (10.0.2.2, inside 10/8) against them. The
 * script is not running yet: the runner keeps it waiting (no `init`) until this resolves; if it
 * throws, the run fails and the script never starts. slirp4netns ends when the runner closes its
 * exit fd — or dies, which closes it too.
 *
 * `holderPid` must be the caller's own live child, checked just before the call: the namespaces
 * are opened before this function first awaits, so a pid that was reused can not lend its
 * namespaces. `owner` is the holder's owner on the host (runIdentity()).
 */
export async function attachNetwork(
  holderPid: number,
  owner: RunUser,
  operatorDenied: readonly Cidr[] = [],
  hostPorts: readonly HostPort[] = [],
): Promise<AttachedNetwork> {
  // Opened once and used through these descriptors: the rules go to the holder's namespace, never
  // to another process's (the host's: prohibiting 10/8 there would cut the host off its networks).
  const netns = openSync(`/proc/${holderPid}/ns/net`, 'r');
  let userns: number | null = null;
  try {
    userns = openSync(`/proc/${holderPid}/ns/user`, 'r');
    const own = statSync('/proc/self/ns/net');
    const target = fstatSync(netns);
    if (target.ino === own.ino && target.dev === own.dev)
      throw new Error("the sandbox has no network namespace of its own: the executor's would get the rules");
    return await attachTo({ netns, userns, owner }, operatorDenied, hostPorts);
  } finally {
    closeSync(netns);
    if (userns !== null) closeSync(userns);
  }
}

/** The holder's namespaces, held open, and who owns them. */
interface Holder {
  netns: number;
  userns: number;
  owner: RunUser;
}

async function attachTo(holder: Holder, operatorDenied: readonly Cidr[], hostPorts: readonly HostPort[]): Promise<AttachedNetwork> {
  // slirp4netns runs as the executor (root: whatever /dev/net/tun's mode) and joins the holder's
  // user namespace, then its network namespace, to make tap0 there; its packet-parsing side stays
  // outside. --enable-seccomp: it parses the script's packets; its filter denies the syscalls a
  // compromised slirp would want (mount, ptrace, kexec, module loading…). Not --enable-sandbox:
  // its mount namespace set-up unmounted shared mounts of the host's (the /run/netns bind mounts
  // of `ip netns`) when tried as root.
  // The host's loopback stays out of slirp's reach unless the operator opened some of its ports
  // (AGENTRY_EGRESS_HOST_PORTS): then only the rules (pref 100 for those ports, 10/8 prohibited
  // after) stand between the script and the host's other loopback ports — checked by the
  // sandbox's kernel before any packet reaches slirp4netns (egress-host-ports.test.ts).
  const hostLoopback = hostPorts.length > 0 ? [] : ['--disable-host-loopback'];
  const slirp = spawn(
    findExecutable('slirp4netns')!,
    [
      '--configure',
      `--mtu=${MTU}`,
      ...hostLoopback,
      '--enable-seccomp',
      `--ready-fd=${READY_FD}`,
      `--exit-fd=${EXIT_FD}`,
      `--userns-path=/proc/self/fd/${SLIRP_USERNS_FD}`,
      '--netns-type=path',
      `/proc/self/fd/${SLIRP_NETNS_FD}`,
      'tap0',
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe', holder.netns, holder.userns] },
  );
  const close = () => {
    slirp.stdio[EXIT_FD]?.destroy();
    slirp.kill('SIGKILL');
  };
  try {
    await ready(slirp);
    await applyEgressRules(holder, deniedRanges(operatorDenied), hostPorts);
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
 * Adds the rules as the holder's root: inside the sandbox nothing has CAP_NET_ADMIN over the
 * holder's network namespace (bwrap's user namespace is a child of the holder's, every capability
 * dropped, nested user namespaces disabled), so the script cannot remove them. The loopback comes
 * up here too: bwrap leaves a shared network namespace alone. Any failure fails the run: never an
 * open network.
 *
 * One process enters the holder for both families (`ip -batch` takes one family per process): a
 * shell there runs `ip -4` on the IPv4 batch (stdin), then `ip -6` on the IPv6 one (its own socket, made its stdin),
 * and fails if either does. Before, each family was an `nsenter` of its own — one more fork of the
 * executor (whose size makes it the dearest step, ~2 ms) and one more `nsenter` per run.
 */
async function applyEgressRules(holder: Holder, denied: readonly Cidr[], hostPorts: readonly HostPort[]): Promise<void> {
  const batches = ipRuleBatches(denied, SLIRP_DNS, hostPorts);
  const ipv4 = `link set lo up\n${batches.ipv4}`;
  // A kernel booted with ipv6.disable=1 has no IPv6 at all (nor its rules): nothing to refuse.
  const ipv6 = existsSync('/proc/sys/net/ipv6') ? batches.ipv6 : null;
  const script = ipv6 === null ? 'exec "$0" -4 -batch -' : `"$0" -4 -batch - && exec "$0" -6 -batch - <&${NSENTER_IPV6_FD}`;
  await inHolder(holder, ['/bin/sh', '-c', script, findExecutable('ip')!], ipv4, ipv6);
}

function inHolder(holder: Holder, command: string[], input: string, ipv6Input: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    // nsenter joins the namespaces held at its fds 3 (net) and 4 (user), as the holder's owner
    // (a root executor switches to it): its uid is the holder's root, so the shell and `ip` keep
    // every capability there at exec. --preserve-credentials: the owner is already that root, and
    // setgroups is denied in a namespace an unprivileged user mapped.
    const child = spawn(
      findExecutable('nsenter')!,
      [`--user=/proc/self/fd/${NSENTER_USERNS_FD}`, `--net=/proc/self/fd/${NSENTER_NETNS_FD}`, '--preserve-credentials', '--', ...command],
      {
        stdio: ['pipe', 'ignore', 'pipe', holder.netns, holder.userns, ipv6Input === null ? 'ignore' : 'pipe'],
        ...(process.getuid?.() === 0 ? holder.owner : {}),
      },
    );
    let errors = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`the egress rules could not be applied (ip -batch): ${errors.trim() || `exit ${code}`}`)),
    );
    const write = (stream: Writable | null | undefined, text: string) => {
      stream?.on('error', () => undefined);
      stream?.end(text);
    };
    write(child.stdin, input);
    if (ipv6Input !== null) write((child.stdio as unknown as (Writable | null)[])[NSENTER_IPV6_FD], ipv6Input);
  });
}
