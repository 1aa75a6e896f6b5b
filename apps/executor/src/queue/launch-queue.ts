import { Inject, Injectable } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { launchSubject } from '@agentry/contracts';
import { traceHeaders } from '@agentry/messaging';
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

  /**
   * Enqueues a container; the same container twice within the stream's duplicate window is stored
   * once. The launch request's id and trace context ride along in the message headers.
   */
  async enqueue(message: LaunchMessage): Promise<void> {
    await this.js.publish(launchSubject(message.agentId), JSON.stringify(message), {
      msgID: `container-${message.containerId}`,
      headers: traceHeaders(),
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }
}
