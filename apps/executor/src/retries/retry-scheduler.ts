import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore, ParkedEvents, type StoredEventOfType } from '@agentry/event-store';
import { consumeEvents, type EventConsumer } from '@agentry/messaging';
import { ContainerEventType, DomainError, ErrorCode, NatsDurables, StreamType, type ContainerEvent } from '@agentry/contracts';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { ContainerStreams, retryClaimStreamId } from '../containers/container-streams.js';
import { planRetry, retryQueuedEvent } from '../containers/domain/retry-decision.js';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { LaunchQueue } from '../queue/launch-queue.js';
import { RegistryClient, runActor } from '../registry/registry.client.js';

export const RETRY_CONSUMER = NatsDurables.executorRetries;

/**
 * Relaunches failed runs (from the EVENTS stream, so a retry survives any executor dying): when a
 * container ends failed and its agent version's `maxRetryNumber` allows, a new container is queued
 * after the back-off, linked to the first attempt. The claim stream `container_retry-<id>` makes a
 * redelivered event harmless.
 */
@Injectable()
export class RetryScheduler {
  private consumer: EventConsumer | undefined;

  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly store: EventStore,
    private readonly streams: ContainerStreams,
    private readonly registry: RegistryClient,
    private readonly queue: LaunchQueue,
    private readonly dataSource: DataSource,
  ) {}

  async start(): Promise<void> {
    this.consumer = await consumeEvents<ContainerEvent>({
      nc: this.nc,
      durable: RETRY_CONSUMER,
      streamType: StreamType.container,
      handlers: { [ContainerEventType.ContainerEnded]: (event) => this.onEnded(event) },
      parking: new ParkedEvents(this.dataSource),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  private async onEnded(event: StoredEventOfType<ContainerEvent, typeof ContainerEventType.ContainerEnded>): Promise<void> {
    const ended = event.data;
    if (ended.status !== 'failed' || ended.launchFailed) return;
    const { state } = await this.streams.load(ended.containerId);
    if (!state) return;
    const claim = retryClaimStreamId(ended.containerId);
    const already = await this.streams.claimHolder(claim);
    if (already !== null) return;
    const { agentId, orgId, agentVersionId, launchedBy } = state.queued;
    let maxRetryNumber: number | null;
    try {
      const snapshot = await this.registry.snapshot(runActor(orgId, launchedBy), agentId, agentVersionId ?? undefined);
      maxRetryNumber = snapshot.version.settings.maxRetryNumber;
    } catch (error) {
      // A deleted or retired agent is not relaunched.
      if (error instanceof DomainError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.INVALID_STATE)) return;
      throw error;
    }
    const plan = planRetry(state, maxRetryNumber, this.config.retryBackoffMs);
    if (!plan) return;
    const containerId = await this.store.nextId('container');
    try {
      await this.streams.create(containerId, [retryQueuedEvent(state, plan, containerId, Date.now())], { streamId: claim, kind: 'retry', orgId });
    } catch (error) {
      if (error instanceof ConcurrencyError) return; // another replica queued it
      throw error;
    }
    await this.queue.enqueue({ containerId, agentId, orgId });
  }
}
