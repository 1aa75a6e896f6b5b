import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { resultFileNames, type AgentLaunchSnapshot } from '@agentry/contracts';
import { RpcClient } from '@agentry/messaging';
import { SecretBox } from '@agentry/secrets';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { ContainerStreams } from '../containers/container-streams.js';
import type { ContainerState } from '../containers/domain/container.js';
import type { EndCause } from '../containers/domain/end-decision.js';
import { OrgObjects } from '../org-objects/org-objects.js';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { WarmPool, type RunOutcome } from '../process/index.js';
import { RegistryClient, runActor } from '../registry/registry.client.js';
import { AgentStorage } from '../storage/agent-storage.js';
import { AgentSlots } from './agent-slots.js';
import { Heartbeats } from './heartbeats.js';
import { LivePublisher } from './live-publisher.js';
import { LocalRuns, type LocalRun } from './local-runs.js';
import { OutputPublisher } from './output-publisher.js';
import { RunEvents } from './run-events.js';
import { OrgWriteUsage } from './org-write-usage.js';
import { RunRequests } from './run-requests.js';
import { ScriptNotifications } from './script-notifications.js';
import { DEFAULT_SCRIPT_WRITE_QUOTAS, RunWriteQuota } from './script-write-quotas.js';
import { proxyAddressOf, scriptEnv } from './script-env.js';
import { BUILT_IN_IMAGES_DIR, RuntimeImages, type RuntimeImage } from './runtime-images.js';

/** A container whose start is recorded, ready to run here. */
export interface StartedRun {
  local: LocalRun;
  state: ContainerState;
  /** Messages written so far (including "Agent started"). */
  messageCount: number;
  snapshot: AgentLaunchSnapshot & { script: NonNullable<AgentLaunchSnapshot['script']> };
  timeLimitSeconds: number | null;
  /** `buster.apiKey`: valid while this container runs (run-keys.ts). Never logged. */
  runKey: string | null;
}

const logger = new Logger('ContainerRunner');

/**
 * Runs one started container to its end: the process (via the process runner), its console
 * output (live + OUTPUT stream), its requests, and the events that end it. Whatever happens, the
 * container ends and its slot and heartbeat are given back.
 */
@Injectable()
export class ContainerRunner implements OnModuleDestroy {
  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly streams: ContainerStreams,
    private readonly registry: RegistryClient,
    private readonly storage: AgentStorage,
    private readonly orgObjects: OrgObjects,
    private readonly secrets: SecretBox,
    private readonly heartbeats: Heartbeats,
    private readonly slots: AgentSlots,
    private readonly localRuns: LocalRuns,
    private readonly orgWriteUsage: OrgWriteUsage,
    private readonly live: LivePublisher,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Every run starts through the pool: on a warm runner when one of exactly the run's spawn-time shape
   * is idle (EXECUTOR_WARM_RUNNERS; the shape is this executor's for a script without an image header),
   * else spawned cold, as with no pool (process/warm-pool.ts).
   */
  private pool: WarmPool | null = null;
  private poolClosed: Promise<void> | null = null;

  private warmPool(): WarmPool {
    this.pool ??= new WarmPool({
      size: this.config.warmRunners ?? 0,
      maxRuns: this.config.slots,
      shape: {
        workRoot: this.config.workDir,
        isolation: this.config.isolation,
        runUser: this.config.runUser,
        egressDenied: this.config.egressDenied,
        egressHostPorts: this.config.egressHostPorts,
        image: this.imageFor('').image,
        limits: this.config.runLimits,
      },
      onProblem: (problem) => logger.warn(problem),
    });
    return this.pool;
  }

  /** Fills the warm pool (the launch worker starts it with itself). */
  async startWarmRunners(): Promise<void> {
    if (this.config.warmRunners) await this.warmPool().start();
  }

  /** No more warm runners: idle ones are killed at once (drain, shutdown); resolves once runs on handed-out ones have ended too. */
  stopWarmRunners(): Promise<void> {
    this.poolClosed ??= this.pool?.close() ?? Promise.resolve();
    return this.poolClosed;
  }

  /** Warm runners waiting for a run now. */
  get idleWarmRunners(): number {
    return this.pool?.idleCount ?? 0;
  }

  onModuleDestroy(): Promise<void> {
    return this.stopWarmRunners();
  }

  /** This executor's runtime images, read once (the operator's were checked at boot by the config). */
  private images: RuntimeImages | null = null;

  /** The runtime image a script's header picks (its modules reach the run), or why the run cannot start. */
  private imageFor(scriptText: string): { image?: RuntimeImage; imageProblem: string | null } {
    if (!this.images) {
      this.images = RuntimeImages.load(BUILT_IN_IMAGES_DIR, this.config.runtimeModulesDir);
      for (const problem of this.images.problems) logger.warn(problem);
    }
    const { image, problem } = this.images.forScript(scriptText);
    return { ...(image ? { image } : {}), imageProblem: problem };
  }

  async run(started: StartedRun): Promise<void> {
    const { local } = started;
    const ids = { containerId: local.containerId, agentId: local.agentId, orgId: local.orgId };
    this.live.publish({ type: 'status', containerId: ids.containerId, status: 'running' });
    const events = new RunEvents(this.streams, this.live, ids, started.messageCount);
    const output = new OutputPublisher(this.nc, this.live, ids);
    let outcome: RunOutcome;
    try {
      outcome = await this.execute(started, events, output);
    } catch (error) {
      logger.error(`container ${ids.containerId} could not run: ${(error as Error).message}`, (error as Error).stack);
      outcome = { reason: 'spawn-failed', exitCode: null, signal: null, durationMs: 0, outputLength: 0, error: (error as Error).message };
    }
    try {
      await events.flush();
      await output.seal();
      const cause: EndCause = local.stop?.reason === 'shutdown' ? { kind: 'executor-stopped', result: outcome } : { kind: 'run', result: outcome };
      const { ended } = await this.streams.end(ids.containerId, cause);
      this.live.publish({ type: 'status', containerId: ids.containerId, status: 'ended', exitCode: ended?.exitCode ?? null, endMessage: ended?.endMessage });
    } finally {
      this.localRuns.remove(ids.containerId);
      await Promise.allSettled([this.heartbeats.stop(ids.containerId), this.slots.release(local.slot)]);
    }
  }

  private async execute(started: StartedRun, events: RunEvents, output: OutputPublisher): Promise<RunOutcome> {
    const { local, snapshot, state } = started;
    const settings = snapshot.version.settings;
    const runStorage = await this.storage.prepareRun({
      orgId: local.orgId,
      storageFolder: snapshot.agent.storageFolder,
      fileMgmt: settings.fileMgmt,
      maxFolders: settings.fileMgmtMaxFolders,
      containerId: local.containerId,
    });
    const argument: unknown = JSON.parse(state.queued.argument ?? '{}');
    const requests = new RunRequests(
      { ...local, actor: runActor(local.orgId, state.queued.launchedBy), storagePrefix: runStorage.prefix, resultFiles: resultFileNames(argument) },
      events,
      this.registry,
      this.orgObjects,
      new RunWriteQuota(this.config.scriptWrites ?? DEFAULT_SCRIPT_WRITE_QUOTAS, this.orgWriteUsage, local.orgId),
      new ScriptNotifications(this.rpc),
    );
    const process = await this.warmPool().startRun(
      {
        containerId: local.containerId,
        agentId: local.agentId,
        orgId: local.orgId,
        scriptName: snapshot.script.name,
        scriptText: snapshot.script.text,
        dependencies: snapshot.dependencies,
        ...this.imageFor(snapshot.script.text),
        browserExecutable: this.config.browserExecutable,
        egressHostPorts: this.config.egressHostPorts,
        argument,
        env: scriptEnv(snapshot, this.secrets),
        workRoot: this.config.workDir,
        storageDir: runStorage.dir,
        limits: { timeLimitSeconds: started.timeLimitSeconds, ...this.config.runLimits },
        retryNumber: state.queued.retryNumber ?? 0,
        maxRetries: settings.maxRetryNumber ?? 0,
        isolation: this.config.isolation,
        egressDenied: this.config.egressDenied,
        runUser: this.config.runUser,
        proxyAddress: proxyAddressOf(snapshot, this.secrets),
        apiKey: started.runKey,
      },
      { onOutput: (offset, chunk) => output.write(offset, chunk), onRequest: (req) => requests.handle(req) },
    );
    local.attach(process);
    const outcome = await process.outcome;
    if (outcome.reason === 'spawn-failed') logger.error(`container ${local.containerId} did not start: ${outcome.error}`);
    return outcome;
  }
}
