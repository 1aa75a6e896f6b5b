import { Inject, Injectable } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { launchSubject, type AgentLaunchSnapshot } from '@agentry/contracts';
import { traceHeaders } from '@agentry/messaging';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { SnapshotSeal, type CarriedSnapshot } from './carried-snapshot.js';

/** A LAUNCHES message: which container to run (everything else is in its stream). */
export interface LaunchMessage {
  containerId: number;
  agentId: number;
  orgId: number;
  /** The snapshot the launch read, sealed (carried-snapshot.ts); absent from the backstop's and retries' messages. */
  snapshot?: CarriedSnapshot;
}

const PUBLISH_TIMEOUT_MS = 5000;

@Injectable()
export class LaunchQueue {
  private readonly js: JetStreamClient;
  private readonly seal: SnapshotSeal;

  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(EXECUTOR_CONFIG) config: ExecutorConfig) {
    this.js = jetstream(nc);
    this.seal = new SnapshotSeal(config.secretKey);
  }

  /**
   * Enqueues a container; the same container twice within the stream's duplicate window is stored
   * once (the first one: the launch's, with its snapshot, before the backstop's). The launch request's
   * id and trace context ride along in the message headers. `snapshot`: the agent snapshot the launch
   * read for exactly the version the container records, carried sealed so the start need not ask again.
   */
  async enqueue(ids: Omit<LaunchMessage, 'snapshot'>, snapshot?: AgentLaunchSnapshot): Promise<void> {
    const carried = snapshot ? this.seal.seal(ids.containerId, snapshot) : undefined;
    const message: LaunchMessage = carried ? { ...ids, snapshot: carried } : ids;
    await this.js.publish(launchSubject(message.agentId), JSON.stringify(message), {
      msgID: `container-${message.containerId}`,
      headers: traceHeaders(),
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }

  /** The launch's snapshot the message carries, when it is sealed for this container, fresh, and of the container's agent, org and version; else null. */
  carriedSnapshot(message: LaunchMessage, expected: { agentId: number; orgId: number; versionId: string | null | undefined }): AgentLaunchSnapshot | null {
    return message.snapshot === undefined ? null : this.seal.open(message.containerId, message.snapshot, expected);
  }
}
