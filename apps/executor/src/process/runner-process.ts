import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { RunnerChannel } from './channel.js';
import type { RunCgroup } from './cgroups.js';
import type { RunCommand } from './command.js';
import type { Cidr } from './egress-rules.js';
import { groupExited, processExited, processTree, signalGroup } from './process-group.js';
import type { RunUser } from './run-user.js';
import { INFO_FD } from './sandbox.js';
import { attachNetwork, sandboxPid, type AttachedNetwork } from './sandbox-network.js';
import type { RuntimeRequest } from './types.js';
import { removeRunFolder, type RunFolder } from './workdir.js';

/** After the script's process is gone, how long output still in the pipe (or held by an escaped child) may take. */
const OUTPUT_DRAIN_MS = 2000;
/** How long the group's SIGKILLed processes may take to disappear before the outcome is answered anyway. */
const GROUP_EXIT_MS = 2000;

export type RunnerExit = { code: number | null; signal: NodeJS.Signals | null } | { error: Error };

/** Ready: the script may be sent `init`. Otherwise why not (`error`: a failed set-up; null: the process ended first). */
export type RunnerReadiness = { ok: true } | { ok: false; error: string | null };

export interface RunnerSpawn {
  command: RunCommand;
  folder: RunFolder;
  /** The spawn's environment (a cold run's own; a warm runner's has none of any run's variables). */
  env: Record<string, string>;
  user: RunUser | null;
  cgroup: RunCgroup | null;
  egressDenied?: readonly Cidr[];
  egressHostPorts?: readonly number[];
  /** Called once the process has exited and everything of it is gone (before `released` resolves). */
  afterRelease?: () => Promise<void>;
}

/**
 * The process of a run up to the moment its script may start: spawned (sandbox, run user, process
 * group, private channel), then, at the runtime's `hello`, moved into its cgroup and given its
 * network. Nothing of a script runs before `init` (the bootstrap waits for it), so this can happen
 * before the run is known (a warm runner, warm-pool.ts) or as the first step of a cold run (run.ts).
 * Its output and requests go to whoever `attach`es (ScriptRun); output before that is kept for it.
 */
export class RunnerProcess {
  readonly pid: number;
  readonly channel: RunnerChannel;
  readonly exited: Promise<RunnerExit>;
  /** Resolves when `init` may be sent, or why the run cannot start. */
  readonly ready: Promise<RunnerReadiness>;
  /** The sandbox's pid 1 (host pid): when it is gone, so is everything in the sandbox. */
  readonly sandboxPid: Promise<number | null>;
  private readonly child: ChildProcess;
  private hasExited = false;
  private network: AttachedNetwork | null = null;
  /** The run's processes at `hello` (shell/holder, bwrap, the sandbox's init, node): every one must still run for a warm runner to be handed out. */
  private pidsAtHello: number[] = [];
  private pending: Buffer[] = [];
  private outputListener: ((chunk: Buffer) => void) | null = null;
  private requestHandler: ((req: RuntimeRequest) => Promise<unknown>) | null = null;
  private releasing: Promise<void> | null = null;

  constructor(private readonly spec: RunnerSpawn) {
    const { command, folder } = spec;
    this.child = spawn(command.file, command.args, {
      cwd: folder.dir,
      env: spec.env,
      // fd 3: the private channel; fd 4: bwrap's info fd.
      stdio: command.sandboxed ? ['ignore', 'pipe', 'ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'ignore', 'pipe'],
      // The child leads a new process group: one signal reaches everything the script started.
      detached: true,
      // As root, the run's processes get the run user (libuv also drops supplementary groups):
      // bwrap then builds its sandbox in an unprivileged user namespace.
      ...(spec.user ?? {}),
    });
    this.pid = this.child.pid ?? 0;
    this.exited = new Promise<RunnerExit>((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', (error) => resolve({ error }));
    });
    void this.exited.then(() => (this.hasExited = true));
    // Requests before a run is attached cannot come from a script (none runs before `init`): refused.
    this.channel = new RunnerChannel((this.child.stdio[3] as Socket | null) ?? null, (req) =>
      this.requestHandler ? this.requestHandler(req) : Promise.reject(new Error('no run yet')),
    );
    this.child.stdout!.on('data', (chunk: Buffer) => (this.outputListener ? this.outputListener(chunk) : this.pending.push(chunk)));
    const info = this.child.stdio[INFO_FD] as Readable | undefined;
    if (command.sandboxed && info) {
      info.on('error', () => undefined);
      this.sandboxPid = sandboxPid(info).catch(() => null);
    } else {
      this.sandboxPid = Promise.resolve(null);
    }
    this.ready = this.prepare();
  }

  get folder(): RunFolder {
    return this.spec.folder;
  }

  get command(): RunCommand {
    return this.spec.command;
  }

  get cgroup(): RunCgroup | null {
    return this.spec.cgroup;
  }

  /** The run this process now serves: its output (what was printed before, first) and its requests. */
  attach(onOutput: (chunk: Buffer) => void, onRequest: (req: RuntimeRequest) => Promise<unknown>): void {
    this.requestHandler = onRequest;
    this.outputListener = onOutput;
    for (const chunk of this.pending.splice(0)) onOutput(chunk);
  }

  /**
   * The runtime holds the script until `init`: by then every process of the run is in its cgroup
   * (nothing forks before the script runs) and its sandbox has network.
   */
  private async prepare(): Promise<RunnerReadiness> {
    try {
      await this.channel.hello;
    } catch {
      return { ok: false, error: null }; // the run ended before its runtime started: its exit says why
    }
    try {
      this.pidsAtHello = processTree(this.pid);
      if (this.cgroup) await this.cgroup.adopt(this.pidsAtHello);
    } catch (error) {
      return { ok: false, error: `the run's cgroup could not be joined: ${(error as Error).message}` };
    }
    if (this.command.network) {
      try {
        this.network = await this.connectNetwork();
      } catch (error) {
        return { ok: false, error: `the sandbox's network could not be set up: ${(error as Error).message}` };
      }
    }
    return { ok: true };
  }

  /**
   * Attaches the sandbox's network through its holder, the run's main process (command.ts). Checked
   * not exited right before attachNetwork opens its namespaces (synchronously, nothing in between):
   * the pid is still this run's, never reused.
   */
  private connectNetwork(): Promise<AttachedNetwork> {
    if (this.hasExited || this.child.exitCode !== null || this.child.signalCode !== null)
      return Promise.reject(new Error('the sandbox ended before its network was attached'));
    return attachNetwork(this.pid, this.spec.egressDenied, this.spec.egressHostPorts);
  }

  /**
   * Checked synchronously, right before a warm runner is handed out: its channel is open and every
   * process it had at `hello` still runs (not exited, not a zombie). Its 'exit' event may not have
   * been handled yet when the kernel already ended it: /proc says so at once.
   */
  alive(): boolean {
    if (this.hasExited || this.releasing || this.channel.isClosed || this.child.exitCode !== null || this.child.signalCode !== null) return false;
    return this.pidsAtHello.length > 0 && this.pidsAtHello.every(processRunning);
  }

  kill(): void {
    if (this.pid) signalGroup(this.pid, 'SIGKILL');
  }

  /**
   * Once the process has exited: everything of the run is killed (its group, its cgroup — even
   * processes that left the group and session), its output read to the end, its network and folder
   * removed. Idempotent.
   */
  release(): Promise<void> {
    this.releasing ??= this.releaseNow();
    return this.releasing;
  }

  private async releaseNow(): Promise<void> {
    this.kill();
    await this.exited;
    // Whatever the script left behind in its group goes with it; the cgroup reaches the rest.
    this.kill();
    await this.cgroup?.destroy().catch(() => undefined);
    // In a sandbox the script's processes are in their own session; its pid 1 outlives them all.
    const sandboxPid = await this.sandboxPid;
    await Promise.all([
      this.drainOutput(),
      this.pid ? groupExited(this.pid, GROUP_EXIT_MS) : undefined,
      sandboxPid ? processExited(sandboxPid, GROUP_EXIT_MS) : undefined,
    ]);
    this.channel.close();
    this.network?.close();
    for (const stream of this.child.stdio.slice(INFO_FD)) stream?.destroy();
    await this.spec.afterRelease?.().catch(() => undefined);
    await removeRunFolder(this.folder).catch(() => undefined);
  }

  /** Reads the pipe to its end; a process that escaped the group (setsid) may hold it open: cut it off. */
  private async drainOutput(): Promise<void> {
    const stdout = this.child.stdout!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, OUTPUT_DRAIN_MS);
    });
    await Promise.race([finished(stdout).catch(() => undefined), timeout]);
    clearTimeout(timer);
    stdout.destroy();
  }
}

/** /proc/<pid>/stat: "pid (comm) state …"; gone, zombie or dead → false. */
function processRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X' && state !== '';
}
