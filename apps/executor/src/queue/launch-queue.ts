import { Inject, Injectable } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { launchSubject } from '@agentry/contracts';
import { NATS_CONNECTION } from '../platform/platform.module.js';

/** A LAUNCHES message: which container to run (everything else is in its stream). */
export interface LaunchMessage {
  containerId: number;
  agentId: number;
  orgId: number;
}

const PUBLISH_TIMEOUT_MS = 5000;

@Injectable()
export class LaunchQueue {
  private readonly js: JetStreamClient;

  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  /** Enqueues a container; the same container twice within the stream's duplicate window is stored once. */
  async enqueue(message: LaunchMessage): Promise<void> {
    await this.js.publish(launchSubject(message.agentId), JSON.stringify(message), {
      msgID: `container-${message.containerId}`,
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }
}
