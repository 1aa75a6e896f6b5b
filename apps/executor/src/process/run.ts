import { spawn, type ChildProcess } from 'node:child_process';
import { NO_SANDBOX_WARNING, resultFileNames, scriptFlags } from '@agentry/contracts';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { RunnerChannel } from './channel.js';
import { detectCgroups, type RunCgroup } from './cgroups.js';
import { buildRunCommand, type RunCommand } from './command.js';
import { DiskWatch } from './disk-usage.js';
import type { RunConfig } from './protocol.js';
import { groupExited, processExited, processTree, signalGroup } from './process-group.js';
import { giveToRunUser, runIdentity, runUserFor, type RunUser } from './run-user.js';
import { proxyEnvironment } from './run-proxy.js';
import { moduleLinks } from './runtime-modules.js';
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
/** How often the run's cgroup is asked whether the OOM killer struck. */
const MEMORY_POLL_MS = 250;
const SCRIPT_PATH = '/usr/local/bin:/usr/bin:/bin';

export { NO_SANDBOX_WARNING };

/** Console output without that first line (what the script itself printed). */
export const withoutNoSandboxWarning = (output: Buffer): Buffer =>
  output.subarray(0, Buffer.byteLength(NO_SANDBOX_WARNING)).toString() === NO_SANDBOX_WARNING ? output.subarray(Buffer.byteLength(NO_SANDBOX_WARNING)) : output;

/** What the run gets besides its command: who it runs as, its cgroup. */
interface RunEnvironment {
  user: RunUser | null;
  cgroup: RunCgroup | null;
}

/** Runs one script in its own process group, sandbox and cgroup; see README.md. */
export async function startRun(req: RunRequest, hooks: RunHooks): Promise<RunningProcess> {
  let isolation: Isolation;
  let network: SandboxNetwork;
  let user: RunUser | null;
  try {
    user = runUserFor(req.runUser);
    isolation = await chooseIsolation(req.isolation, user);
    network = isolation === 'bubblewrap' ? await sandboxNetwork(req.network, user) : 'none';
  } catch (error) {
    return notStarted(error);
  }
  try {
    // The proxy passes the egress rules or nothing runs (run-proxy.ts); its variables join the script's environment.
    req = { ...req, env: { ...req.env, ...proxyEnvironment(req.proxyAddress, req.egressDenied, req.egressHostPorts) } };
  } catch (error) {
    return notStarted(error, hooks);
  }
  if (req.dependencies?.problem) return notStarted(new Error(req.dependencies.problem), hooks);
  if (req.imageProblem) return notStarted(new Error(req.imageProblem), hooks);
  const folder = await createRunFolder(
    req.workRoot,
    req.containerId,
    req.scriptName,
    req.scriptText,
    req.dependencies?.libraries ?? [],
    moduleLinks(req, isolation),
  );
  let cgroup: RunCgroup | null = null;
  try {
    await giveToRunUser(folder.dir, user);
    await giveToRunUser(folder.tmpDir, user);
    await mkdir(req.storageDir, { recursive: true });
    await giveToRunUser(req.storageDir, user);
    const cgroups = await detectCgroups();
    // A run whose cgroup cannot be made does not run unlimited: it fails to start.
    cgroup = cgroups ? await cgroups.create(`run-${req.containerId}-${randomBytes(4).toString('hex')}`, req.limits) : null;
    const command = buildRunCommand(isolation, network === 'internet', folder, req.storageDir, req.limits, cgroup !== null, user, req.image?.modulesDir);
    return new ScriptRun(req, hooks, folder, command, { user, cgroup });
  } catch (error) {
    await cgroup?.destroy().catch(() => undefined);
    await removeRunFolder(folder).catch(() => undefined);
    return notStarted(error);
  }
}

/** 'auto' and 'bubblewrap' both mean a sandbox: without one the run does not start (never silently unsandboxed). */
async function chooseIsolation(wanted: RunRequest['isolation'], user: RunUser | null): Promise<Isolation> {
  if (wanted === 'none') return 'none';
  if ((await isolationAvailable(user)) !== 'bubblewrap') {
    throw new Error(
      'bubblewrap is not usable on this machine: install bubblewrap (apt-get install bubblewrap slirp4netns), or run without a sandbox with AGENTRY_ISOLATION=none',
    );
  }
  return 'bubblewrap';
}

/**
 * With `console`, the reason is the run's only console line: for refusals of the agent's own
 * settings (its proxy), which the user must read to fix — other reasons may name the executor's
 * paths and stay in its log.
 */
function notStarted(error: unknown, console?: RunHooks): RunningProcess {
  const message = String((error as Error)?.message ?? error);
  const line = Buffer.from(`[agentry] ${message}\n`);
  if (console) {
    try {
      console.onOutput(0, line);
    } catch {
      // The executor's hook must not take the runner down with it.
    }
  }
  const outcome: RunOutcome = { exitCode: null, signal: null, reason: 'spawn-failed', durationMs: 0, outputLength: console ? line.length : 0, error: message };
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
  private deadline!: number;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private exited = false;
  /** Set when the run could not really start (its sandbox's network failed). */
  private startError: string | null = null;
  private network: Promise<AttachedNetwork | null> = Promise.resolve(null);
  /** The sandbox's pid 1 (host pid): when it is gone, so is everything in the sandbox. */
  private sandboxPid: Promise<number | null> = Promise.resolve(null);
  private readonly cgroup: RunCgroup | null;
  private readonly user: RunUser | null;
  private disk: Promise<DiskWatch | null> = Promise.resolve(null);
  private memoryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly req: RunRequest,
    private readonly hooks: RunHooks,
    private readonly folder: RunFolder,
    command: RunCommand,
    environment: RunEnvironment,
  ) {
    this.cgroup = environment.cgroup;
    this.user = environment.user;
    this.child = spawn(command.file, command.args, {
      cwd: folder.dir,
      // PWD too: sh and bwrap would set it anyway.
      env: { LANG: 'C.UTF-8', ...req.env, PATH: SCRIPT_PATH, HOME: command.paths.work, PWD: command.paths.work, TMPDIR: command.paths.tmp },
      // fd 3: the private channel; fd 4: bwrap's info fd.
      stdio: command.sandboxed ? ['ignore', 'pipe', 'ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'ignore', 'pipe'],
      // The child leads a new process group: one signal reaches everything the script started.
      detached: true,
      // As root, the run's processes get the run user (libuv also drops supplementary groups):
      // bwrap then builds its sandbox in an unprivileged user namespace.
      ...(environment.user ?? {}),
    });
    this.pid = this.child.pid ?? 0;
    this.channel = new RunnerChannel((this.child.stdio[3] as Socket | null) ?? null, (request) => this.handleRequest(request));
    this.child.stdout!.on('data', (chunk: Buffer) => this.receiveOutput(chunk));
    if (!command.sandboxed) this.receiveOutput(Buffer.from(NO_SANDBOX_WARNING));
    this.outcome = this.settle();
    // Never without a limit: the agent's (or the default) one, within the operator's ceiling.
    const ceiling = req.limits.maxTimeLimitSeconds;
    const limit = req.limits.timeLimitSeconds;
    this.deadline = this.startedAt + Math.min(limit && limit > 0 ? limit : ceiling, ceiling) * 1000;
    this.armDeadline();
    const info = this.child.stdio[INFO_FD] as Readable | undefined;
    if (command.sandboxed && info) {
      info.on('error', () => undefined);
      this.sandboxPid = sandboxPid(info).catch(() => null);
    }
    this.network = this.initWhenReady(command);
    this.disk = DiskWatch.start({
      runDir: folder.dir,
      storageDir: req.storageDir,
      limitBytes: req.limits.diskMb * 1024 * 1024,
      over: () => this.stop('disk-limit', false),
    }).catch(() => null);
    if (this.cgroup) this.watchMemory(this.cgroup);
  }

  /**
   * The kernel's OOM killer ended a process of the run on its memory cap: the run is over, even
   * if its main process would go on (a child killed, a parent waiting for it forever).
   */
  private watchMemory(cgroup: RunCgroup): void {
    this.memoryTimer = setInterval(() => {
      cgroup.oomKills().then(
        (kills) => kills > 0 && this.stop('memory-limit', false),
        () => undefined,
      );
    }, MEMORY_POLL_MS);
  }

  /**
   * The runtime holds the script until `init`: by then every process of the run is in its cgroup
   * (nothing forks before the script runs) and its sandbox has network.
   */
  private async initWhenReady(command: RunCommand): Promise<AttachedNetwork | null> {
    try {
      await this.channel.hello;
    } catch {
      return null; // the run ended before its runtime started: its exit says why
    }
    let network: AttachedNetwork | null = null;
    try {
      if (this.cgroup) await this.cgroup.adopt(processTree(this.pid));
    } catch (error) {
      return this.failStart(`the run's cgroup could not be joined: ${(error as Error).message}`);
    }
    if (command.network) {
      try {
        network = await this.connectNetwork();
      } catch (error) {
        return this.failStart(`the sandbox's network could not be set up: ${(error as Error).message}`);
      }
    }
    this.channel.send({ t: 'init', config: this.config(command) });
    return network;
  }

  private failStart(reason: string): null {
    this.startError = reason;
    this.stop('spawn-failed', false);
    return null;
  }

  /**
   * Attaches the sandbox's network through its holder, the run's main process (command.ts); the
   * script starts (init) only once it is up. Checked not exited right before attachNetwork opens
   * its namespaces (synchronously, nothing in between): the pid is still this run's, never reused.
   */
  private connectNetwork(): Promise<AttachedNetwork> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null)
      return Promise.reject(new Error('the sandbox ended before its network was attached'));
    return attachNetwork(this.pid, runIdentity(this.user), this.req.egressDenied, this.req.egressHostPorts);
  }

  abort(opts: { soft?: boolean; graceMs?: number } = {}): void {
    this.stop('aborted', opts.soft ?? false, opts.graceMs ?? DEFAULT_GRACE_MS);
  }

  timeLeftSeconds(): number | null {
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
      maxRetries: req.maxRetries ?? 0,
      storageDir: command.paths.storage,
      proxyAddress: req.proxyAddress ?? '',
      apiKey: req.apiKey ?? null,
      deadline: this.deadline,
      modulesDir: req.image ? command.paths.modules : null,
      browserExecutable: req.browserExecutable ?? null,
      scriptFlags: [...scriptFlags(req.scriptText)],
      resultFiles: resultFileNames(req.argument),
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
    if (request.kind === 'overrideTimeLimit') {
      // Within (0, ceiling], counted from the run's start: the runtime and the channel refuse
      // anything not > 0; beyond the operator's ceiling is clamped to it.
      const seconds = Math.min(request.seconds, this.req.limits.maxTimeLimitSeconds);
      this.setDeadline(this.startedAt + seconds * 1000);
      return this.hooks.onRequest({ ...request, seconds });
    }
    return this.hooks.onRequest(request);
  }

  private setDeadline(at: number): void {
    this.deadline = at;
    clearTimeout(this.deadlineTimer);
    this.channel.send({ t: 'deadline', at });
    this.armDeadline();
  }

  private armDeadline(): void {
    const delay = this.deadline - Date.now();
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
    clearInterval(this.memoryTimer);
    (await this.disk)?.stop();
    const oomKilled = this.cgroup !== null && (await this.cgroup.oomKills().catch(() => 0)) > 0;
    // Whatever the script left behind in its group goes with it; the cgroup reaches the rest,
    // including processes that left the group and session (setsid + double fork).
    this.killGroup('SIGKILL');
    await this.cgroup?.destroy().catch(() => undefined);
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
    const abnormal = ended.code !== 0 || ended.signal !== null;
    const reason = this.stopReason ?? (oomKilled && abnormal ? 'memory-limit' : 'exited');
    return { exitCode: ended.code, signal: ended.signal, reason, durationMs, outputLength: this.outputLength };
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
