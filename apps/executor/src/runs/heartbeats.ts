import { Inject, Injectable } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import { EXECUTOR_ID } from '../platform/platform.module.js';
import { isLive, LEASES_KV } from './leases.js';

const heartbeatKey = (containerId: number): string => `heartbeat.${containerId}`;

/**
 * A running container's proof of life: the KV key `heartbeat.<id>` (value: the executor's id),
 * rewritten by its executor while the process runs. When it expires, the reaper ends the container
 * as "executor lost".
 */
@Injectable()
export class Heartbeats {
  constructor(
    @Inject(LEASES_KV) private readonly kv: KV,
    @Inject(EXECUTOR_ID) private readonly executorId: string,
  ) {}

  async beat(containerId: number): Promise<void> {
    await this.kv.put(heartbeatKey(containerId), this.executorId);
  }

  async stop(containerId: number): Promise<void> {
    await this.kv.delete(heartbeatKey(containerId));
  }

  alive(containerId: number): Promise<boolean> {
    return isLive(this.kv, heartbeatKey(containerId));
  }
}
