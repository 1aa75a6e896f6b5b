import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { ParkedEvents, type StoredEventOfType } from '@agentry/event-store';
import { consumeEvents, type EventConsumer } from '@agentry/messaging';
import { ContainerEventType, NatsDurables, StreamType, type ContainerEvent } from '@agentry/contracts';
import { ContainerStreams } from '../containers/container-streams.js';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { LaunchQueue } from './launch-queue.js';

export const BACKSTOP_CONSUMER = NatsDurables.executorLaunchBackstop;

/**
 * A launch is recorded (ContainerQueued) and then published to LAUNCHES; a crash in between would
 * leave it queued forever. This durable consumer of EVENTS publishes every still-queued container
 * again: the queue's duplicate window (and the worker's phase check) drop the repeats.
 */
@Injectable()
export class LaunchBackstop {
  private consumer: EventConsumer | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly streams: ContainerStreams,
    private readonly queue: LaunchQueue,
    private readonly dataSource: DataSource,
  ) {}

  async start(): Promise<void> {
    this.consumer = await consumeEvents<ContainerEvent>({
      nc: this.nc,
      durable: BACKSTOP_CONSUMER,
      streamType: StreamType.container,
      handlers: { [ContainerEventType.ContainerQueued]: (event) => this.onQueued(event) },
      parking: new ParkedEvents(this.dataSource),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  private async onQueued(event: StoredEventOfType<ContainerEvent, typeof ContainerEventType.ContainerQueued>): Promise<void> {
    const { containerId, agentId, orgId } = event.data;
    const { state } = await this.streams.load(containerId);
    if (state?.phase === 'queued') await this.queue.enqueue({ containerId, agentId, orgId });
  }
}
