import { Inject, Injectable, Logger } from '@nestjs/common';
import { jetstream, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConcurrencyError } from '@agentry/event-store';
import { settle as settleDelivery, traceFromHeaders } from '@agentry/messaging';
import { runWithLogContext, SpanKind, startSpan } from '@agentry/service-kit';
import { DomainError, ErrorCode, LAUNCH_STREAM, type AgentLaunchSnapshot } from '@agentry/contracts';
import { EXECUTOR_CONFIG, runTimeLimitSeconds, type ExecutorConfig } from '../config.js';
import { ContainerStreams } from '../containers/container-streams.js';
import type { ContainerState } from '../containers/domain/container.js';
import { unrunnableScriptReason } from '../containers/domain/launch-decision.js';
import { decideStart } from '../containers/domain/start-decision.js';
import { EXECUTOR_ID, NATS_CONNECTION } from '../platform/platform.module.js';
import { LaunchQueue, type LaunchMessage } from '../queue/launch-queue.js';
import { LAUNCH_CONSUMER } from '../queue/launch-stream.js';
import { RegistryClient, runActor } from '../registry/registry.client.js';
import { AgentSlots, type SlotLease } from './agent-slots.js';
import { ContainerRunner, type StartedRun } from './container-runner.js';
import { busyRetryDelayMs, OrgCaps, OrgFullMemo, slotFitsCap } from './fair-share.js';
import { Heartbeats } from './heartbeats.js';
import { LivePublisher } from './live-publisher.js';
import { LocalRun, LocalRuns } from './local-runs.js';
import { issueRunKey } from './run-keys.js';

/**
 * A launch whose agent has no free parallelism slot waits here this long (retrying when this
 * replica frees one of the agent's slots, and every SLOT_POLL_MS for the others), then goes back
 * to the queue for any replica.
 */
const SLOT_WAIT_MS = 2000;
const SLOT_POLL_MS = 200;
/** A launch that could not be handled (registry or NATS unavailable) comes back after this. */
const FAILURE_RETRY_MS = 2000;
/** Longest wait for a notBefore (the message comes back and waits again). */
const MAX_DELAY_MS = 60_000;
const FETCH_EXPIRES_MS = 1000;

const logger = new Logger('LaunchWorker');

/**
 * Pulls launches from the LAUNCHES work queue while this replica has free slots (EXECUTOR_SLOTS),
 * takes one of the agent's parallelism slots and one of the org's fair-share slots (or puts the
 * launch back for later, see fair-share.ts), records the start and hands the container to the
 * ContainerRunner. The message is acknowledged once the start is recorded: a replica that dies
 * before that leaves it to another one.
 */
@Injectable()
export class LaunchWorker {
  /** Launches holding one of this replica's run slots (being prepared or running): at most EXECUTOR_SLOTS. */
  private active = 0;
  /** Launches waiting for one of their agent's parallelism slots (holding no run slot): at most EXECUTOR_SLOTS. */
  private waiting = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private batch: ConsumerMessages | undefined;
  private wake: (() => void) | undefined;
  /** Every launch in hand, from pull to the end of its run. */
  private readonly inHand = new Set<Promise<void>>();
  private readonly orgCaps = new OrgCaps();
  private readonly orgsFull = new OrgFullMemo();

  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EXECUTOR_ID) private readonly executorId: string,
    private readonly streams: ContainerStreams,
    private readonly registry: RegistryClient,
    private readonly slots: AgentSlots,
    private readonly heartbeats: Heartbeats,
    private readonly localRuns: LocalRuns,
    private readonly runner: ContainerRunner,
    private readonly live: LivePublisher,
    private readonly queue: LaunchQueue,
  ) {}

  async start(): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(LAUNCH_STREAM, LAUNCH_CONSUMER);
    await this.runner.startWarmRunners();
    this.running = true;
    this.loop = this.pull(consumer);
  }

  /** Stops pulling; launches in hand go back to the queue. Runs in progress go on (see `runsInProgress`). */
  async stop(): Promise<void> {
    this.running = false;
    // No new run starts here: idle warm runners go now (runs on handed-out ones go on).
    void this.runner.stopWarmRunners();
    this.wake?.();
    await this.batch?.close().catch(() => undefined);
    await this.loop;
  }

  /** Resolves when every launch this worker took is settled and every run it started has ended. */
  async runsInProgress(): Promise<void> {
    while (this.inHand.size > 0) await Promise.allSettled([...this.inHand]);
  }

  private async pull(consumer: Consumer): Promise<void> {
    while (this.running) {
      const free = this.config.slots - this.active;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        this.batch = await consumer.fetch({ max_messages: free, expires: FETCH_EXPIRES_MS });
        for await (const msg of this.batch) {
          if (!this.running) {
            msg.nak();
            continue;
          }
          const turn = { active: true };
          this.active += 1;
          const handled = this.handle(msg, turn).finally(() => {
            if (turn.active) this.active -= 1;
            this.inHand.delete(handled);
            this.wake?.();
          });
          this.inHand.add(handled);
        }
      } catch (error) {
        if (!this.running) break;
        logger.warn(`pulling launches failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, FAILURE_RETRY_MS));
      }
    }
  }

  /** Resolves when the launch is settled: dropped, put back, or its run ended. `turn.active`: it holds a run slot. */
  private async handle(msg: JsMsg, turn: { active: boolean }): Promise<void> {
    let launch: LaunchMessage;
    try {
      launch = msg.json<LaunchMessage>();
    } catch {
      return msg.term('not a launch message');
    }
    // Everything the run logs names its container, org and the request that launched it (message
    // headers); taking and running the launch is a span of that request's trace.
    const { requestId, traceparent } = traceFromHeaders(msg.headers);
    const span = startSpan('run container', SpanKind.CONSUMER, traceparent, { 'agentry.container_id': launch.containerId, 'agentry.service': 'executor' });
    const context = { requestId, traceparent: span.traceparent, containerId: launch.containerId, orgId: launch.orgId };
    return runWithLogContext(context, () => this.handleLaunch(launch, msg, turn)).finally(() => span.end());
  }

  private async handleLaunch(launch: LaunchMessage, msg: JsMsg, turn: { active: boolean }): Promise<void> {
    let run: StartedRun | null;
    try {
      run = await this.prepare(launch, msg, turn);
    } catch (error) {
      logger.warn(`container ${launch.containerId}: launch put back (${(error as Error).message})`);
      settle(msg, 'nak', FAILURE_RETRY_MS);
      return;
    }
    if (!run) return;
    logger.debug(`container ${launch.containerId}: running`);
    try {
      await this.runner.run(run);
    } catch (error) {
      // Its heartbeat has stopped: the reaper ends it ("Executor lost") if the end could not be recorded.
      logger.error(`container ${launch.containerId}: run failed: ${(error as Error).message}`, (error as Error).stack);
    } finally {
      // The runner gives the agent's slot back; the org's is the worker's (its end is on record by now, or never will be from here).
      if (run.local.orgSlot) {
        await this.slots.release(run.local.orgSlot).catch(() => undefined);
        this.orgsFull.freed(run.local.orgId);
      }
    }
  }

  /** Records the start, or answers null when the launch was settled otherwise (dropped, delayed, failed). */
  private async prepare(launch: LaunchMessage, msg: JsMsg, turn: { active: boolean }): Promise<StartedRun | null> {
    const busy = () => settle(msg, 'nak', busyRetryDelayMs(deliveryCount(msg), Math.random()));
    // Its org was at its cap a moment ago: back at once, without reading anything (the message names the org).
    if (this.orgsFull.isFull(launch.orgId, Date.now())) return busy();
    const { state, version } = await this.streams.load(launch.containerId);
    // Aborted while queued, started by another replica, or a duplicate: nothing to do.
    if (!state || state.phase !== 'queued') return settle(msg, 'ack');
    const wait = (state.queued.notBefore ?? 0) - Date.now();
    if (wait > 0) return settle(msg, 'nak', Math.min(wait, MAX_DELAY_MS));
    const { orgId, containerId } = state.queued;
    // The snapshot the launch read, when its message carries it sealed for this container and fresh: not asked for again.
    let snapshot = this.carriedSnapshot(launch, state);
    // The org's cap: from that snapshot, else known from a recent one, else read with this launch's snapshot (a gone agent ends here).
    let cap = snapshot ? this.learnCap(orgId, snapshot) : this.orgCaps.get(orgId, Date.now());
    if (cap === undefined) {
      const read = await this.snapshotOrEnd(state);
      if (!read) return settle(msg, 'ack');
      snapshot = read;
      cap = this.learnCap(orgId, read);
    }
    const { slot, orgSlot: orgSlotTaken } = await this.takeSlots(state, cap, turn);
    if (!slot) return busy();
    const held: SlotLease[] = [slot];
    try {
      // Fair share: the org at its cap → back to the queue at once, holding nothing.
      const orgSlot = orgSlotTaken !== undefined ? orgSlotTaken : await this.slots.acquireOrg(orgId, cap, containerId);
      if (!orgSlot) {
        this.orgsFull.markFull(orgId, Date.now());
        await this.releaseAll(held);
        return busy();
      }
      held.push(orgSlot);
      if (!this.running) {
        // Stopping: another replica will run it.
        await this.releaseAll(held);
        return settle(msg, 'nak');
      }
      if (!snapshot) {
        const read = await this.snapshotOrEnd(state);
        if (!read) {
          await this.releaseAll(held);
          return settle(msg, 'ack');
        }
        snapshot = read;
        // The cap may have been lowered since it was cached: a slot past it is not the org's to take.
        if (!slotFitsCap(orgSlot.index, this.learnCap(orgId, read))) {
          await this.releaseAll(held);
          return busy();
        }
      }
      const started = await this.recordStart(state, version, snapshot, slot, orgSlot);
      if (!started) await this.releaseAll(held);
      settle(msg, 'ack');
      return started;
    } catch (error) {
      await this.releaseAll(held);
      throw error;
    }
  }

  /** The launch's own snapshot from its message (queue/carried-snapshot.ts), when it may start this container; else undefined (ask the registry). */
  private carriedSnapshot(launch: LaunchMessage, state: ContainerState): AgentLaunchSnapshot | undefined {
    const { agentId, orgId, agentVersionId } = state.queued;
    const snapshot = this.queue.carriedSnapshot(launch, { agentId, orgId, versionId: agentVersionId });
    if (launch.snapshot !== undefined && !snapshot)
      logger.warn(`container ${launch.containerId}: the snapshot its launch message carries is stale or not sealed for it; asking the registry`);
    // One that cannot run is left to snapshotOrEnd, which ends the container saying why.
    return snapshot && unrunnableScriptReason(snapshot.script) === null ? snapshot : undefined;
  }

  private learnCap(orgId: number, snapshot: AgentLaunchSnapshot): number {
    const cap = snapshot.org.maxRunningContainers;
    this.orgCaps.set(orgId, cap, Date.now());
    return cap;
  }

  private async releaseAll(leases: SlotLease[]): Promise<void> {
    await Promise.allSettled(leases.map((lease) => this.slots.release(lease)));
  }

  /**
   * The agent's parallelism slot and the org's fair-share slot, asked for at once: two KV round trips side
   * by side instead of one after the other on every start (~5–10 ms of its critical path on the loaded
   * machine, docs/PERFORMANCE.md › Launch). When the agent has none free, the org's slot is given back
   * before waiting for one (waitForSlot): a waiting launch holds nothing of its org. `orgSlot`: null when
   * the org is at its cap, undefined when not asked for yet.
   */
  private async takeSlots(
    state: ContainerState,
    cap: number,
    turn: { active: boolean },
  ): Promise<{ slot: SlotLease | null; orgSlot: SlotLease | null | undefined }> {
    const { agentId, orgId, maxParallelism, containerId } = state.queued;
    const [agent, org] = await Promise.allSettled([
      this.slots.acquire(agentId, maxParallelism ?? 1, containerId),
      this.slots.acquireOrg(orgId, cap, containerId),
    ]);
    const taken = [agent, org].flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value] : []));
    const failed = [agent, org].find((outcome) => outcome.status === 'rejected');
    if (failed) {
      await this.releaseAll(taken);
      throw failed.reason;
    }
    const slot = (agent as PromiseFulfilledResult<SlotLease | null>).value;
    const orgSlot = (org as PromiseFulfilledResult<SlotLease | null>).value;
    if (slot) return { slot, orgSlot };
    if (orgSlot) await this.releaseAll([orgSlot]);
    return { slot: await this.waitForSlot(state, turn), orgSlot: undefined };
  }

  /**
   * One of the agent's parallelism slots. While none is free the launch gives its run slot back and
   * waits (up to SLOT_WAIT_MS, at most EXECUTOR_SLOTS launches at once); once it has the agent's
   * slot it needs a run slot again. Null: put the launch back on the queue.
   */
  private async waitForSlot(state: ContainerState, turn: { active: boolean }): Promise<SlotLease | null> {
    const { agentId, maxParallelism, containerId } = state.queued;
    const take = () => this.slots.acquire(agentId, maxParallelism ?? 1, containerId);
    const first = await take();
    if (first || this.waiting >= this.config.slots) return first;
    turn.active = false;
    this.active -= 1;
    this.waiting += 1;
    this.wake?.();
    try {
      const deadline = Date.now() + SLOT_WAIT_MS;
      while (this.running && Date.now() < deadline) {
        await this.slots.releaseOrTimeout(agentId, Math.min(SLOT_POLL_MS, deadline - Date.now()));
        const slot = await take();
        if (!slot) continue;
        if (this.active >= this.config.slots) {
          await this.slots.release(slot);
          return null;
        }
        turn.active = true;
        this.active += 1;
        return slot;
      }
      return null;
    } finally {
      this.waiting -= 1;
    }
  }

  /** Null: aborted or started elsewhere meanwhile (the caller gives the slots back). */
  private async recordStart(
    state: ContainerState,
    version: number,
    snapshot: AgentLaunchSnapshot,
    slot: SlotLease,
    orgSlot: SlotLease,
  ): Promise<StartedRun | null> {
    const { containerId, agentId, orgId } = state.queued;
    const settings = snapshot.version.settings;
    const timeLimitSeconds = runTimeLimitSeconds(settings.executionTimeLimit, this.config);
    const local = new LocalRun(containerId, agentId, orgId, slot, orgSlot);
    // Known locally (abortable) and alive (heartbeat) before the start is on record.
    this.localRuns.add(local);
    try {
      await this.heartbeats.beat(containerId);
      // The run's own API key (`buster.apiKey`): only its hash is recorded, the key goes to the script alone.
      const runKey = issueRunKey(containerId);
      // `prepare` saw it queued; the append at that version fails if it is not any more.
      const events = decideStart(state, { executorId: this.executorId, timeLimitSeconds, now: Date.now(), runKeyHash: runKey.hash })!;
      await this.streams.append(containerId, events, version);
      return { local, state, messageCount: state.messageCount + 1, snapshot: snapshot as StartedRun['snapshot'], timeLimitSeconds, runKey: runKey.key };
    } catch (error) {
      this.localRuns.remove(containerId);
      await this.heartbeats.stop(containerId).catch(() => undefined);
      // Aborted (or started elsewhere) meanwhile: the stream says what happened, nothing to run.
      if (error instanceof ConcurrencyError) return null;
      throw error;
    }
  }

  /** The agent version to run; a container whose agent is gone, retired or whose script can't run (none, `.coffee`) ends as a failed launch. */
  private async snapshotOrEnd(state: ContainerState): Promise<AgentLaunchSnapshot | null> {
    const { containerId, agentId, orgId, agentVersionId, launchedBy } = state.queued;
    let failure: string;
    try {
      const snapshot = await this.registry.snapshot(runActor(orgId, launchedBy), agentId, agentVersionId ?? undefined);
      const unrunnable = unrunnableScriptReason(snapshot.script);
      if (unrunnable === null) return snapshot;
      failure = unrunnable;
    } catch (error) {
      const launchRefused = error instanceof DomainError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.INVALID_STATE);
      if (!launchRefused) throw error;
      failure = error.message;
    }
    const { ended } = await this.streams.end(containerId, { kind: 'launch-failed', message: failure });
    this.live.publish({ type: 'status', containerId, status: 'ended', exitCode: null, endMessage: ended?.endMessage });
    return null;
  }
}

/** Ack / nak that never throws (a lost one only means a redelivery), logged. Answers null for `return settle(…)`. */
const settle = (msg: JsMsg, outcome: 'ack' | 'nak', delayMs?: number): null => settleDelivery(msg, outcome, delayMs, (why) => logger.warn(`launch: ${why}`));

/** How many times JetStream has delivered this launch (1 the first time). */
function deliveryCount(msg: JsMsg): number {
  try {
    return msg.info.deliveryCount;
  } catch {
    return 1;
  }
}
