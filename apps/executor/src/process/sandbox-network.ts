import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { deniedRanges, ipRuleBatches, type Cidr, type HostPort } from './egress-rules.js';
import { findExecutable } from './executables.js';
import { runIdentity, type RunUser } from './run-user.js';
import { networkHolderUsable } from './sandbox.js';
import type { RunRequest, SandboxNetwork } from './types.js';

/**
 * The network's shell (attachTo) and its processes: the holder's network and user namespaces, held open
 * (slirp4netns and nsenter join them by these paths), the IPv6 batch, slirp4netns' exit fd (it ends when
 * the executor closes its end), the outcome of the set-up; slirp4netns reports ready on its SLIRP_READY_FD.
 */
const NET_NETNS_FD = 3;
const NET_USERNS_FD = 4;
const NSENTER_IPV6_FD = 5;
const NET_EXIT_FD = 6;
const NET_STATUS_FD = 7;
const SLIRP_READY_FD = 9;
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
 * namespaces.
 */
export async function attachNetwork(holderPid: number, operatorDenied: readonly Cidr[] = [], hostPorts: readonly HostPort[] = []): Promise<AttachedNetwork> {
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
    return await attachTo({ netns, userns }, operatorDenied, hostPorts);
  } finally {
    closeSync(netns);
    if (userns !== null) closeSync(userns);
  }
}

/** The holder's namespaces, held open. */
interface Holder {
  netns: number;
  userns: number;
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
  const hostLoopback = hostPorts.length > 0 ? '' : ' --disable-host-loopback';
  const slirpArgs =
    `--configure --mtu=${MTU}${hostLoopback} --enable-seccomp --ready-fd=${SLIRP_READY_FD} --exit-fd=${NET_EXIT_FD}` +
    ` --userns-path=/proc/self/fd/${NET_USERNS_FD} --netns-type=path /proc/self/fd/${NET_NETNS_FD} tap0`;
  const batches = ipRuleBatches(deniedRanges(operatorDenied), SLIRP_DNS, hostPorts);
  // A kernel booted with ipv6.disable=1 has no IPv6 at all (nor its rules): nothing to refuse.
  const ipv6 = existsSync('/proc/sys/net/ipv6') ? batches.ipv6 : null;
  // The rules go in as the holder's root, which is its owner on the host: a root executor's nsenter takes
  // uid and gid 0 in the holder's user namespace (the run user outside, no supplementary groups); an
  // unprivileged executor is the owner already (--preserve-credentials: setgroups is denied in a namespace
  // an unprivileged user mapped).
  const credentials = process.getuid?.() === 0 ? '' : ' --preserve-credentials';
  const rules = ipv6 === null ? 'exec "$0" -4 -batch - <&8' : '"$0" -4 -batch - <&8 && exec "$0" -6 -batch - <&5';
  // One process for the network: this shell (as the executor) starts slirp4netns; once slirp4netns
  // says its tap is up (its ready fd, through the pipe), it enters the holder as its root and puts
  // the rules in — `ip -4` on the IPv4 batch (the shell's stdin, kept at fd 8), then `ip -6` on the
  // IPv6 one (fd 5) — and writes the outcome on fd 7: 0 (rules in), `slirp` (slirp4netns ended
  // first) or `ip`'s exit code. Then it waits for slirp4netns, which ends when the executor closes
  // its exit fd (6) or dies. One fork of the executor instead of two (slirp4netns, then nsenter): a
  // fork costs in proportion to the executor's size (docs/PERFORMANCE.md, Warm runners).
  const script = [
    'exec 8<&0',
    `"$1" ${slirpArgs} ${SLIRP_READY_FD}>&1 >/dev/null 2>&1 </dev/null 5<&- ${NET_STATUS_FD}>&- 8<&- | {`,
    `  IFS= read -r up; [ "$up" = 1 ] || { echo slirp >&${NET_STATUS_FD}; exit 0; }`,
    `  "$2" --user=/proc/self/fd/${NET_USERNS_FD} --net=/proc/self/fd/${NET_NETNS_FD}${credentials} -- /bin/sh -c '${rules}' "$3" </dev/null`,
    `  echo "$?" >&${NET_STATUS_FD}`,
    '}',
  ].join('\n');
  const net = spawn('/bin/sh', ['-c', script, 'agentry-network', findExecutable('slirp4netns')!, findExecutable('nsenter')!, findExecutable('ip')!], {
    stdio: ['pipe', 'ignore', 'pipe', holder.netns, holder.userns, ipv6 === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    // Its own process group: slirp4netns and the rules' processes go with one kill.
    detached: true,
  });
  const close = () => {
    (net.stdio as unknown as (Writable | null)[])[NET_EXIT_FD]?.destroy();
    try {
      process.kill(-net.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  try {
    await networkUp(net, `link set lo up\n${batches.ipv4}`, ipv6, close);
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}

/** Feeds the batches, then resolves on the status line `0`; otherwise rejects with why (what `ip` printed), once the shell has ended. */
function networkUp(net: ChildProcess, ipv4: string, ipv6: string | null, close: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const stdio = net.stdio as unknown as (Writable | Readable | null)[];
    let errors = '';
    (stdio[2] as Readable).setEncoding('utf8').on('data', (chunk: string) => {
      if (errors.length < 4096) errors += chunk;
    });
    const write = (stream: Writable | null, text: string) => {
      stream?.on('error', () => undefined);
      stream?.end(text);
    };
    write(stdio[0] as Writable, ipv4);
    if (ipv6 !== null) write(stdio[NSENTER_IPV6_FD] as Writable, ipv6);
    let status = '';
    let decided = false;
    const fail = (why: () => string) => {
      decided = true;
      close();
      // Everything the shell's processes printed is read once it has ended.
      net.once('close', () => reject(new Error(why())));
    };
    (stdio[NET_STATUS_FD] as Readable).setEncoding('utf8').on('data', (chunk: string) => {
      status += chunk;
      if (!status.includes('\n')) return;
      const outcome = status.split('\n')[0];
      if (outcome === '0') {
        decided = true;
        resolve();
      } else if (outcome === 'slirp') fail(() => 'slirp4netns exited before the network was up');
      else fail(() => `the egress rules could not be applied (ip -batch): ${errors.trim() || `exit ${outcome}`}`);
    });
    net.once('error', reject);
    net.once('exit', (code) => decided || reject(new Error(`the sandbox's network set-up ended (${code}) before the network was up`)));
  });
}
