import { NO_SANDBOX_WARNING, resultFileNames, scriptFlags } from '@agentry/contracts';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { detectCgroups, type RunCgroup } from './cgroups.js';
import { buildRunCommand, type RunCommand } from './command.js';
import { DiskWatch } from './disk-usage.js';
import type { RunConfig } from './protocol.js';
import { giveToRunUser, runUserFor, type RunUser } from './run-user.js';
import { proxyEnvironment } from './run-proxy.js';
import { RunnerProcess } from './runner-process.js';
import { moduleLinks } from './runtime-modules.js';
import { isolationAvailable, SANDBOX } from './sandbox.js';
import { sandboxNetwork } from './sandbox-network.js';
import type { Isolation, RunEndReason, SandboxNetwork, RunHooks, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';
import { createRunFolder, removeRunFolder } from './workdir.js';

const DEFAULT_GRACE_MS = 1500;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How often the run's cgroup is asked whether the OOM killer struck. */
const MEMORY_POLL_MS = 250;
const SCRIPT_PATH = '/usr/local/bin:/usr/bin:/bin';

export { NO_SANDBOX_WARNING };

/** Console output without that first line (what the script itself printed). */
export const withoutNoSandboxWarning = (output: Buffer): Buffer =>
  output.subarray(0, Buffer.byteLength(NO_SANDBOX_WARNING)).toString() === NO_SANDBOX_WARNING ? output.subarray(Buffer.byteLength(NO_SANDBOX_WARNING)) : output;

/** A run that passed the checks every run passes before anything is spawned or handed out (prepareRun). */
export interface PreparedRun {
  /** With the proxy's variables in its environment. */
  req: RunRequest;
  hooks: RunHooks;
  isolation: Isolation;
  network: SandboxNetwork;
  user: RunUser | null;
}

/**
 * The script's whole environment: exactly the run's variables, plus PATH, HOME = PWD = its folder,
 * TMPDIR, LANG (C.UTF-8 unless the run sets it). Nothing of the executor's.
 */
export const runEnvironment = (env: Record<string, string>, paths: RunCommand['paths']): Record<string, string> =>
  // PWD too: sh and bwrap would set it anyway.
  ({ LANG: 'C.UTF-8', ...env, PATH: SCRIPT_PATH, HOME: paths.work, PWD: paths.work, TMPDIR: paths.tmp });

/** Runs one script in its own process group, sandbox and cgroup, spawned now (cold); see README.md. */
export async function startRun(req: RunRequest, hooks: RunHooks): Promise<RunningProcess> {
  const prepared = await prepareRun(req, hooks);
  return 'outcome' in prepared ? prepared : startCold(prepared);
}

/**
 * What decides whether a run may start at all, and in what sandbox: its isolation, network and
 * user, its proxy (which must pass the egress rules), its dependencies and image. Answers the
 * run's outcome (spawn-failed) when it may not.
 */
export async function prepareRun(req: RunRequest, hooks: RunHooks): Promise<PreparedRun | RunningProcess> {
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
  return { req, hooks, isolation, network, user };
}

/** Spawns the run's own process now: folder, storage, cgroup, sandbox (the path of every run without a warm runner). */
export async function startCold({ req, hooks, isolation, network, user }: PreparedRun): Promise<RunningProcess> {
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
    const runner = new RunnerProcess({
      command,
      folder,
      env: runEnvironment(req.env, command.paths),
      user,
      cgroup,
      egressDenied: req.egressDenied,
      egressHostPorts: req.egressHostPorts,
    });
    return new ScriptRun(req, hooks, runner);
  } catch (error) {
    await cgroup?.destroy().catch(() => undefined);
    await removeRunFolder(folder).catch(() => undefined);
    return notStarted(error);
  }
}

/** 'auto' and 'bubblewrap' both mean a sandbox: without one the run does not start (never silently unsandboxed). */
export async function chooseIsolation(wanted: RunRequest['isolation'], user: RunUser | null): Promise<Isolation> {
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
export function notStarted(error: unknown, console?: RunHooks): RunningProcess {
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

/**
 * One run on its process, from the moment the run has it (spawned for it, or a warm runner handed
 * out) to its outcome: time limit (counted from now), output, requests, limits watched, stops, and
 * the end, which takes every process, the cgroup, the network and the folder with it.
 */
export class ScriptRun implements RunningProcess {
  readonly pid: number;
  readonly outcome: Promise<RunOutcome>;
  private readonly startedAt = Date.now();
  private outputLength = 0;
  private stopReason: RunEndReason | null = null;
  private deadline!: number;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private exited = false;
  /** Set when the run could not really start (its cgroup or its sandbox's network failed). */
  private startError: string | null = null;
  private disk: Promise<DiskWatch | null> = Promise.resolve(null);
  private memoryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly req: RunRequest,
    private readonly hooks: RunHooks,
    private readonly runner: RunnerProcess,
  ) {
    this.pid = runner.pid;
    if (!runner.command.sandboxed) this.receiveOutput(Buffer.from(NO_SANDBOX_WARNING));
    runner.attach(
      (chunk) => this.receiveOutput(chunk),
      (request) => this.handleRequest(request),
    );
    this.outcome = this.settle();
    // Never without a limit: the agent's (or the default) one, within the operator's ceiling.
    const ceiling = req.limits.maxTimeLimitSeconds;
    const limit = req.limits.timeLimitSeconds;
    this.deadline = this.startedAt + Math.min(limit && limit > 0 ? limit : ceiling, ceiling) * 1000;
    this.armDeadline();
    void runner.ready.then((readiness) => {
      if (readiness.ok) runner.channel.send({ t: 'init', config: this.config() });
      else if (readiness.error) this.failStart(readiness.error);
    });
    this.disk = DiskWatch.start({
      runDir: runner.folder.dir,
      storageDir: req.storageDir,
      limitBytes: req.limits.diskMb * 1024 * 1024,
      over: () => this.stop('disk-limit', false),
    }).catch(() => null);
    if (runner.cgroup) this.watchMemory(runner.cgroup);
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

  private failStart(reason: string): void {
    this.startError = reason;
    this.stop('spawn-failed', false);
  }

  abort(opts: { soft?: boolean; graceMs?: number } = {}): void {
    this.stop('aborted', opts.soft ?? false, opts.graceMs ?? DEFAULT_GRACE_MS);
  }

  timeLeftSeconds(): number | null {
    return Math.max(0, Math.floor((this.deadline - Date.now()) / 1000));
  }

  private config(): RunConfig {
    const { req } = this;
    const { paths, sandboxed } = this.runner.command;
    return {
      script: join(paths.work, this.runner.folder.scriptFile!),
      env: runEnvironment(req.env, paths),
      argument: req.argument,
      agentId: req.agentId,
      containerId: req.containerId,
      orgId: req.orgId,
      retryNumber: req.retryNumber,
      maxRetries: req.maxRetries ?? 0,
      storageDir: sandboxed ? SANDBOX.storage : req.storageDir,
      proxyAddress: req.proxyAddress ?? '',
      apiKey: req.apiKey ?? null,
      deadline: this.deadline,
      modulesDir: req.image ? paths.modules : null,
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
    this.runner.channel.send({ t: 'deadline', at });
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
    this.runner.channel.send({ t: 'stop', terminate: soft });
    if (!soft) return this.runner.kill();
    this.killTimer ??= setTimeout(() => this.runner.kill(), graceMs);
  }

  private async settle(): Promise<RunOutcome> {
    const ended = await this.runner.exited;
    const durationMs = Date.now() - this.startedAt;
    this.exited = true;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.killTimer);
    clearInterval(this.memoryTimer);
    (await this.disk)?.stop();
    const oomKilled = this.runner.cgroup !== null && (await this.runner.cgroup.oomKills().catch(() => 0)) > 0;
    // Every process, the cgroup, the output to its end, the network and the folder (runner-process.ts).
    await this.runner.release();
    if ('error' in ended || this.startError) {
      const error = 'error' in ended ? ended.error.message : this.startError!;
      return { exitCode: null, signal: null, reason: 'spawn-failed', durationMs, outputLength: this.outputLength, error };
    }
    const abnormal = ended.code !== 0 || ended.signal !== null;
    const reason = this.stopReason ?? (oomKilled && abnormal ? 'memory-limit' : 'exited');
    return { exitCode: ended.code, signal: ended.signal, reason, durationMs, outputLength: this.outputLength };
  }
}
