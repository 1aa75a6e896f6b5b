import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { RunnerChannel } from './channel.js';
import { buildRunCommand, type RunCommand } from './command.js';
import type { RunConfig } from './protocol.js';
import { groupExited, processExited, signalGroup } from './process-group.js';
import { INFO_FD, isolationAvailable } from './sandbox.js';
import { attachNetwork, sandboxNetwork, sandboxPid, type AttachedNetwork } from './sandbox-network.js';
import type { Isolation, RunEndReason, SandboxNetwork, RunHooks, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';
import { createRunFolder, removeRunFolder, type RunFolder } from './workdir.js';

const DEFAULT_GRACE_MS = 1500;
/** After the script's process is gone, how long output still in the pipe (or held by an escaped child) may take. */
const OUTPUT_DRAIN_MS = 2000;
/** How long the group's SIGKILLed processes may take to disappear before the outcome is answered anyway. */
const GROUP_EXIT_MS = 2000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const SCRIPT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Runs one script in its own process group (and sandbox when available); see README.md. */
export async function startRun(req: RunRequest, hooks: RunHooks): Promise<RunningProcess> {
  let isolation: Isolation;
  let network: SandboxNetwork;
  try {
    isolation = await chooseIsolation(req.isolation);
    network = isolation === 'bubblewrap' ? sandboxNetwork(req.network) : 'none';
  } catch (error) {
    return notStarted(error);
  }
  const folder = await createRunFolder(req.workRoot, req.containerId, req.scriptName, req.scriptText);
  try {
    await mkdir(req.storageDir, { recursive: true });
    return new ScriptRun(req, hooks, folder, buildRunCommand(isolation, network === 'internet', folder, req.storageDir, req.limits));
  } catch (error) {
    await removeRunFolder(folder).catch(() => undefined);
    return notStarted(error);
  }
}

async function chooseIsolation(wanted: RunRequest['isolation']): Promise<Isolation> {
  if (wanted === 'none') return 'none';
  const available = await isolationAvailable();
  if (wanted === 'bubblewrap' && available !== 'bubblewrap') throw new Error('bubblewrap is not usable on this machine');
  return available;
}

function notStarted(error: unknown): RunningProcess {
  const outcome: RunOutcome = { exitCode: null, signal: null, reason: 'spawn-failed', durationMs: 0, outputLength: 0, error: String((error as Error)?.message ?? error) };
  return { pid: 0, outcome: Promise.resolve(outcome), abort: () => undefined, timeLeftSeconds: () => null };
}

class ScriptRun implements RunningProcess {
  readonly pid: number;
  readonly outcome: Promise<RunOutcome>;
  private readonly child: ChildProcess;
  private readonly channel: RunnerChannel;
  private readonly startedAt = Date.now();
  private outputLength = 0;
  private stopReason: RunEndReason | null = null;
  private deadline: number | null = null;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private exited = false;
  /** Set when the run could not really start (its sandbox's network failed). */
  private startError: string | null = null;
  private network: Promise<AttachedNetwork | null> = Promise.resolve(null);
  /** The sandbox's pid 1 (host pid): when it is gone, so is everything in the sandbox. */
  private sandboxPid: Promise<number | null> = Promise.resolve(null);

  constructor(
    private readonly req: RunRequest,
    private readonly hooks: RunHooks,
    private readonly folder: RunFolder,
    command: RunCommand,
  ) {
    this.child = spawn(command.file, command.args, {
      cwd: folder.dir,
      // PWD too: sh and bwrap would set it anyway.
      env: { LANG: 'C.UTF-8', ...req.env, PATH: SCRIPT_PATH, HOME: command.paths.work, PWD: command.paths.work, TMPDIR: command.paths.tmp },
      // fd 3: the private channel; fd 4: bwrap's info fd.
      stdio: command.sandboxed ? ['ignore', 'pipe', 'ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'ignore', 'pipe'],
      // The child leads a new process group: one signal reaches everything the script started.
      detached: true,
    });
    this.pid = this.child.pid ?? 0;
    this.channel = new RunnerChannel((this.child.stdio[3] as Socket | null) ?? null, (request) => this.handleRequest(request));
    this.child.stdout!.on('data', (chunk: Buffer) => this.receiveOutput(chunk));
    this.outcome = this.settle();
    const limit = req.limits.timeLimitSeconds;
    this.deadline = limit && limit > 0 ? this.startedAt + limit * 1000 : null;
    if (this.deadline !== null) this.armDeadline();
    const info = this.child.stdio[INFO_FD] as Readable | undefined;
    if (command.sandboxed && info) {
      info.on('error', () => undefined);
      this.sandboxPid = sandboxPid(info).catch(() => null);
    }
    if (command.network) this.network = this.initWithNetwork(command);
    else this.channel.send({ t: 'init', config: this.config(command) });
  }

  /** The script starts (init) only once its sandbox has network. */
  private async initWithNetwork(command: RunCommand): Promise<AttachedNetwork | null> {
    try {
      const [pid] = await Promise.all([this.sandboxPid, this.channel.hello]);
      if (pid === null) throw new Error('bwrap did not report the sandbox pid');
      const network = await attachNetwork(pid);
      this.channel.send({ t: 'init', config: this.config(command) });
      return network;
    } catch (error) {
      this.startError = `the sandbox's network could not be set up: ${(error as Error).message}`;
      this.stop('spawn-failed', false);
      return null;
    }
  }

  abort(opts: { soft?: boolean; graceMs?: number } = {}): void {
    this.stop('aborted', opts.soft ?? false, opts.graceMs ?? DEFAULT_GRACE_MS);
  }

  timeLeftSeconds(): number | null {
    if (this.deadline === null) return null;
    return Math.max(0, Math.floor((this.deadline - Date.now()) / 1000));
  }

  private config(command: RunCommand): RunConfig {
    const { req } = this;
    return {
      argument: req.argument,
      agentId: req.agentId,
      containerId: req.containerId,
      orgId: req.orgId,
      retryNumber: req.retryNumber,
      storageDir: command.paths.storage,
      proxyAddress: req.proxyAddress ?? '',
      apiKey: req.apiKey ?? null,
      deadline: this.deadline,
    };
  }

  private receiveOutput(chunk: Buffer): void {
    const max = this.req.limits.maxOutputBytes;
    if (this.stopReason === 'output-limit') return;
    let bytes = chunk;
    if (max !== undefined && this.outputLength + bytes.length > max) {
      bytes = bytes.subarray(0, max - this.outputLength);
      this.stop('output-limit', false);
    }
    if (bytes.length === 0) return;
    const offset = this.outputLength;
    this.outputLength += bytes.length;
    try {
      this.hooks.onOutput(offset, bytes);
    } catch {
      // The executor's hook must not take the run (or the runner) down with it.
    }
  }

  private handleRequest(request: RuntimeRequest): Promise<unknown> {
    if (request.kind === 'overrideTimeLimit') this.setDeadline(request.seconds === 0 ? null : this.startedAt + request.seconds * 1000);
    return this.hooks.onRequest(request);
  }

  private setDeadline(at: number | null): void {
    this.deadline = at;
    clearTimeout(this.deadlineTimer);
    this.channel.send({ t: 'deadline', at });
    if (at !== null) this.armDeadline();
  }

  private armDeadline(): void {
    const delay = this.deadline! - Date.now();
    if (delay <= 0) return this.stop('time-limit', false);
    this.deadlineTimer = setTimeout(() => this.armDeadline(), Math.min(delay, MAX_TIMER_MS));
  }

  /**
   * Tells the script first (getTimeLeft() → -1). Hard: SIGKILL the group now. Soft: the runtime
   * raises SIGTERM in its own group (inside the sandbox, where the runner cannot single out the
   * script's processes), then SIGKILL after the grace period.
   */
  private stop(reason: RunEndReason, soft: boolean, graceMs = DEFAULT_GRACE_MS): void {
    if (this.exited) return;
    this.stopReason ??= reason;
    this.channel.send({ t: 'stop', terminate: soft });
    if (!soft) return this.killGroup('SIGKILL');
    this.killTimer ??= setTimeout(() => this.killGroup('SIGKILL'), graceMs);
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.pid) signalGroup(this.pid, signal);
  }

  private async settle(): Promise<RunOutcome> {
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', (error) => resolve({ error }));
    });
    const durationMs = Date.now() - this.startedAt;
    this.exited = true;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.killTimer);
    // Whatever the script left behind in its group goes with it.
    this.killGroup('SIGKILL');
    // In a sandbox the script's processes are in their own session; its pid 1 outlives them all.
    const sandboxPid = await this.sandboxPid;
    await Promise.all([
      this.drainOutput(),
      this.pid ? groupExited(this.pid, GROUP_EXIT_MS) : undefined,
      sandboxPid ? processExited(sandboxPid, GROUP_EXIT_MS) : undefined,
    ]);
    this.channel.close();
    (await this.network)?.close();
    for (const stream of this.child.stdio.slice(INFO_FD)) stream?.destroy();
    await removeRunFolder(this.folder).catch(() => undefined);
    if ('error' in ended || this.startError) {
      const error = 'error' in ended ? ended.error.message : this.startError!;
      return { exitCode: null, signal: null, reason: 'spawn-failed', durationMs, outputLength: this.outputLength, error };
    }
    return { exitCode: ended.code, signal: ended.signal, reason: this.stopReason ?? 'exited', durationMs, outputLength: this.outputLength };
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
