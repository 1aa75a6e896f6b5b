import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { detectCgroups, type RunCgroup } from './cgroups.js';
import { buildRunCommand } from './command.js';
import { formatCidr, hostAddresses } from './egress-rules.js';
import { chooseIsolation, notStarted, prepareRun, runEnvironment, ScriptRun, startCold, type PreparedRun } from './run.js';
import { giveToRunUser, runUserFor, type RunUser } from './run-user.js';
import { RunnerProcess } from './runner-process.js';
import { moduleLinks } from './runtime-modules.js';
import { sandboxNetwork } from './sandbox-network.js';
import { StorageStages, type StorageStage } from './storage-stage.js';
import type { Isolation, RunHooks, RunLimits, RunningProcess, RunRequest, SandboxNetwork } from './types.js';
import { createWarmFolder, removeRunFolder, sweepWarmFolders, writeRunFiles } from './workdir.js';

/**
 * What every warm runner of a pool is spawned with: the parts of a run fixed when its process starts
 * (sandbox, network and its egress rules, run user, ulimits and V8 heap, cgroup, runtime image
 * bound read-only). A run gets a warm runner only when its own are exactly these.
 */
export interface WarmShape {
  workRoot: string;
  isolation: RunRequest['isolation'];
  runUser?: RunUser;
  network?: RunRequest['network'];
  egressDenied?: RunRequest['egressDenied'];
  egressHostPorts?: RunRequest['egressHostPorts'];
  image?: RunRequest['image'];
  limits: Pick<RunLimits, 'memoryMb' | 'maxFileDescriptors' | 'maxProcesses' | 'cpuPercent' | 'diskMb'>;
}

export interface WarmPoolOptions {
  /** Idle warm runners to keep (EXECUTOR_WARM_RUNNERS); 0: none, every run is spawned cold. */
  size: number;
  /** Runs at once on this executor (EXECUTOR_SLOTS): idle runners never outnumber the free slots. */
  maxRuns: number;
  shape: WarmShape;
  /** A warm runner that could not be made (the pool retries, backing off). */
  onProblem?: (message: string) => void;
}

/**
 * Variables read when a process starts — by the dynamic loader, libc, node, V8, ICU, OpenSSL —
 * rather than when the script reads them: a warm runner started before its run cannot have had
 * them, so a run whose environment sets any is spawned cold (exactly as before).
 */
const START_TIME_VARIABLE = /^(LD_|NODE_|UV_|LC_|OPENSSL_|SSL_|MALLOC_|GLIBC_|ICU_)|^(LANG|LANGUAGE|TZ|TZDIR)$/;

const MAX_RETRY_MS = 30_000;
const FIRST_RETRY_MS = 500;

/** What was fixed when a runner was spawned, compared as one string (warm runners of the pool, each run asking). */
function spawnKey(
  workRoot: string,
  sandbox: { isolation: Isolation; network: SandboxNetwork; user: RunUser | null },
  req: Pick<WarmShape, 'limits' | 'image' | 'egressDenied' | 'egressHostPorts'>,
): string {
  const { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb } = req.limits;
  return JSON.stringify([
    workRoot,
    sandbox.isolation,
    sandbox.network,
    sandbox.user ? [sandbox.user.uid, sandbox.user.gid] : null,
    [memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb],
    req.image ? [req.image.name, req.image.modulesDir, req.image.modules] : null,
    (req.egressDenied ?? []).map(formatCidr),
    req.egressHostPorts ?? [],
  ]);
}

/** The host's addresses are in a sandbox's egress rules, read when its network was attached. */
const hostAddressesKey = (): string => JSON.stringify(hostAddresses().map(formatCidr).sort());

interface WarmRunner {
  runner: RunnerProcess;
  stage: StorageStage | null;
  /** The host's addresses when its egress rules were made. */
  addresses: string;
}

/**
 * Warm sandboxed runners (issue 14): pre-started runtime processes, each already in its sandbox,
 * cgroup and network, parked at the bootstrap's `hello` (nothing of any script has run), and each
 * handed to EXACTLY ONE run, then discarded with everything of it (processes, cgroup, network,
 * folder). A run whose spawn-time parameters differ in anything from the pool's shape, or that
 * finds no live idle runner, is spawned cold. Refilled in the background, never beyond the free
 * slots. See README.md (Warm runners).
 */
export class WarmPool {
  private readonly idle: WarmRunner[] = [];
  private readonly warming = new Set<Promise<void>>();
  /** Runs on handed-out runners: their storage stays bound on its stage until each has ended. */
  private readonly inUse = new Set<Promise<unknown>>();
  private inProgress = 0;
  private taken = 0;
  private closed = false;
  private key: string | null = null;
  private sandbox: { isolation: Isolation; network: SandboxNetwork; user: RunUser | null } | null = null;
  private stages: StorageStages | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WarmPoolOptions) {}

  /** Resolves the shape's sandbox (the same probes as every run), opens the storage stages, starts filling. Throws when the shape cannot be pooled here. */
  async start(): Promise<void> {
    if (this.options.size <= 0) return;
    const { shape } = this.options;
    const user = runUserFor(shape.runUser);
    const isolation = await chooseIsolation(shape.isolation, user);
    const network = isolation === 'bubblewrap' ? await sandboxNetwork(shape.network, user) : 'none';
    if (isolation === 'bubblewrap') this.stages = await StorageStages.open(shape.workRoot);
    await sweepWarmFolders(shape.workRoot);
    this.sandbox = { isolation, network, user };
    this.key = spawnKey(shape.workRoot, this.sandbox, shape);
    this.refill();
  }

  /** Idle runners now (for tests and health). */
  get idleCount(): number {
    return this.idle.length;
  }

  /** The main process of each idle runner (tests play a runner dying while idle). */
  idlePids(): number[] {
    return this.idle.map((warm) => warm.runner.pid);
  }

  /** Runners being started now. */
  get warmingCount(): number {
    return this.warming.size;
  }

  /** Runners handed to a run so far (the rest of the runs were spawned cold). */
  get handedOut(): number {
    return this.taken;
  }

  /** Starts a run on a warm runner when one of the pool's shape is idle and alive, else cold (startRun). */
  async startRun(req: RunRequest, hooks: RunHooks): Promise<RunningProcess> {
    this.inProgress += 1;
    let running: RunningProcess;
    try {
      const prepared = await prepareRun(req, hooks);
      if ('outcome' in prepared) {
        running = prepared;
      } else {
        const warm = this.take(prepared);
        running = warm ? await this.assign(warm, prepared) : await startCold(prepared);
        if (warm) {
          const ended = running.outcome.finally(() => this.inUse.delete(ended));
          this.inUse.add(ended);
        }
      }
    } catch (error) {
      this.inProgress -= 1;
      throw error;
    }
    void running.outcome.finally(() => {
      this.inProgress -= 1;
      this.refill();
    });
    this.refill();
    return running;
  }

  /**
   * An idle runner for this run, or null (cold): only when every spawn-time parameter equals the
   * pool's, its environment sets nothing read at process start, and the runner is alive right now
   * (a dead one is discarded, never handed out). Synchronous: nothing can change between the check
   * and the hand-out.
   */
  take(prepared: Pick<PreparedRun, 'req' | 'isolation' | 'network' | 'user'>): WarmRunner | null {
    if (this.closed || !this.key || this.idle.length === 0) return null;
    const { req } = prepared;
    if (spawnKey(req.workRoot, prepared, req) !== this.key) return null;
    if (Object.keys(req.env).some((name) => START_TIME_VARIABLE.test(name))) return null;
    const addresses = prepared.network === 'internet' ? hostAddressesKey() : '';
    let found: WarmRunner | null = null;
    while (!found && this.idle.length > 0) {
      const warm = this.idle.shift()!;
      if (warm.runner.alive() && warm.addresses === addresses) found = warm;
      else void warm.runner.release();
    }
    if (found) this.taken += 1;
    // Dead or stale ones were dropped: replaced (startRun refills too, but take may be asked alone).
    this.refill();
    return found;
  }

  /** The run's files into the runner's folder, its storage folder bound at /storage, then the run starts (init). */
  private async assign(warm: WarmRunner, { req, hooks, isolation, user }: PreparedRun): Promise<RunningProcess> {
    const { runner, stage } = warm;
    try {
      // Both at once: they touch different folders (this is the run's critical path).
      const [scriptFile] = await Promise.all([
        writeRunFiles(runner.folder.dir, req.scriptName, req.scriptText, req.dependencies?.libraries ?? [], moduleLinks(req, isolation)),
        (async () => {
          await mkdir(req.storageDir, { recursive: true });
          await giveToRunUser(req.storageDir, user);
          await stage?.bind(req.storageDir);
        })(),
      ]);
      runner.folder.scriptFile = scriptFile;
    } catch (error) {
      void runner.release();
      return notStarted(error);
    }
    return new ScriptRun(req, hooks, runner);
  }

  /** Idle runners up to min(size, free slots); the ones being made count. */
  private refill(): void {
    if (this.closed || !this.key || this.retryTimer) return;
    const target = Math.max(0, Math.min(this.options.size, this.options.maxRuns - this.inProgress));
    for (let missing = target - this.idle.length - this.warming.size; missing > 0; missing--) {
      const warming: Promise<void> = this.warmOne()
        .then(
          () => {
            this.failures = 0;
          },
          (error: Error) => this.failed(error),
        )
        .finally(() => {
          this.warming.delete(warming);
          this.refill();
        });
      this.warming.add(warming);
    }
  }

  private failed(error: Error): void {
    this.failures += 1;
    this.options.onProblem?.(`a warm runner could not be started: ${error.message}`);
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      this.refill();
    }, delay);
  }

  /** One runner: its own folder, stage, cgroup and sandbox, spawned with none of any run's variables; idle once ready. */
  private async warmOne(): Promise<void> {
    const { shape } = this.options;
    const { isolation, network, user } = this.sandbox!;
    const folder = await createWarmFolder(shape.workRoot);
    let cgroup: RunCgroup | null = null;
    let stage: StorageStage | null = null;
    let runner: RunnerProcess;
    try {
      await giveToRunUser(folder.dir, user);
      await giveToRunUser(folder.tmpDir, user);
      stage = this.stages ? await this.stages.stage() : null;
      const cgroups = await detectCgroups();
      cgroup = cgroups ? await cgroups.create(`warm-${randomBytes(4).toString('hex')}`, shape.limits) : null;
      // Without a sandbox the storage folder is a path the run is told in `init`; the command's is unused.
      const command = buildRunCommand(
        isolation,
        network === 'internet',
        folder,
        stage?.dir ?? folder.dir,
        shape.limits as RunLimits,
        cgroup !== null,
        user,
        shape.image?.modulesDir,
      );
      const ownStage = stage;
      runner = new RunnerProcess({
        command,
        folder,
        env: runEnvironment({}, command.paths),
        user,
        cgroup,
        egressDenied: shape.egressDenied,
        egressHostPorts: shape.egressHostPorts,
        afterRelease: async () => ownStage?.release(),
      });
    } catch (error) {
      await cgroup?.destroy().catch(() => undefined);
      await stage?.release().catch(() => undefined);
      await removeRunFolder(folder).catch(() => undefined);
      throw error;
    }
    // Read before the egress rules are made: an address added meanwhile makes them differ, never match wrongly.
    const addresses = network === 'internet' ? hostAddressesKey() : '';
    const readiness = await runner.ready;
    if (!readiness.ok || this.closed) {
      await runner.release();
      if (this.closed) return;
      throw new Error(readiness.ok ? 'closed' : (readiness.error ?? 'it ended before its runtime started'));
    }
    const warm: WarmRunner = { runner, stage, addresses };
    this.idle.push(warm);
    // Dying while idle: out of the pool, everything of it released, replaced.
    void runner.exited.then(() => {
      const index = this.idle.indexOf(warm);
      if (index < 0) return;
      this.idle.splice(index, 1);
      void runner.release();
      this.refill();
    });
  }

  /**
   * No more runners: the idle ones (and those being made) are killed and removed at once; runs on
   * handed-out ones go on. Resolves once those have ended too and the storage stages are unmounted
   * (an unmount of the stages' root would reach a running sandbox's /storage).
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await Promise.allSettled([...this.warming]);
    await Promise.allSettled(this.idle.splice(0).map((warm) => warm.runner.release()));
    while (this.inUse.size > 0) await Promise.allSettled([...this.inUse]);
    await this.stages?.close();
    this.stages = null;
  }
}
