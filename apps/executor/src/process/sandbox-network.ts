import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { findExecutable } from './executables.js';
import type { RunRequest, SandboxNetwork } from './types.js';

/** slirp4netns' fds in its own process: it writes READY once the tap is up, exits when EXIT closes. */
const READY_FD = 3;
const EXIT_FD = 4;
/** Large MTU: fewer, bigger frames through the user-mode stack (slirp4netns' recommended value). */
const MTU = 65520;

/** The network a sandboxed run gets: 'internet' needs slirp4netns. */
export function sandboxNetwork(wanted: RunRequest['network'] = 'auto'): SandboxNetwork {
  if (wanted === 'none') return 'none';
  const available = findExecutable('slirp4netns') !== null;
  if (wanted === 'internet' && !available) throw new Error('slirp4netns is not installed: a sandbox cannot have network here');
  return available ? 'internet' : 'none';
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
 * Gives a sandbox a NATed uplink: slirp4netns joins the network namespace of `pid` and brings up
 * tap0 (10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3) with --disable-host-loopback, so 10.0.2.2
 * never reaches the host's 127.0.0.1. Call it once bwrap is done configuring the namespace's
 * loopback (both speak netlink there: concurrently, bwrap's setup may fail) — the runner waits
 * for the runtime's hello, and keeps the script waiting until this resolves. slirp4netns ends
 * when the runner closes its exit fd — or dies, which closes it too.
 */
export async function attachNetwork(pid: number): Promise<AttachedNetwork> {
  // By path, as root, without joining the sandbox's user namespace: the sandbox belongs to the run
  // user and, with --disable-userns, its processes sit in a nested user namespace from which the
  // network namespace cannot be entered (slirp4netns <pid> fails with setns: EPERM).
  const slirp = spawn(findExecutable('slirp4netns')!, ['--configure', `--mtu=${MTU}`, '--disable-host-loopback', `--ready-fd=${READY_FD}`, `--exit-fd=${EXIT_FD}`, '--netns-type=path', `/proc/${pid}/ns/net`, 'tap0'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const close = () => {
    slirp.stdio[EXIT_FD]?.destroy();
    slirp.kill('SIGKILL');
  };
  try {
    await ready(slirp);
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
