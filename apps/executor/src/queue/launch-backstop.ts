import { setTimeout } from 'node:timers/promises';
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
 * A queued container is looked at once it is this old. Its launch publishes it at once; looked at sooner
 * (the relay is a few ms behind the append), the backstop read the container and published it again while
 * its run was starting — work on every run's critical path, and a message without the launch's snapshot
 * that could reach the queue first (the queue keeps the first of the two), so the start asked the registry
 * for it again (docs/PERFORMANCE.md › Launch). By now the launch's own message has landed, or never will.
 */
const BACKSTOP_DELAY_MS = 1000;

/**
 * A launch is recorded (ContainerQueued) and then published to LAUNCHES; a crash in between would
 * leave it queued forever. This durable consumer of EVENTS publishes every still-queued container
 * again: the queue's duplicate window (and the worker's phase check) drop the repeats.
 */
@Injectable()
export class LaunchBackstop {
  private consumer: EventConsumer | undefined;
  private readonly stopping = new AbortController();

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
    this.stopping.abort();
    await this.consumer?.stop();
  }

  private async onQueued(event: StoredEventOfType<ContainerEvent, typeof ContainerEventType.ContainerQueued>): Promise<void> {
    const { containerId, agentId, orgId, queuedAt } = event.data;
    // queuedAt is another replica's clock: the wait is bounded whatever it says.
    const wait = Math.min(BACKSTOP_DELAY_MS, BACKSTOP_DELAY_MS - (Date.now() - queuedAt));
    if (wait > 0) await setTimeout(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    const { state } = await this.streams.load(containerId);
    if (state?.phase === 'queued') await this.queue.enqueue({ containerId, agentId, orgId });
  }
}
