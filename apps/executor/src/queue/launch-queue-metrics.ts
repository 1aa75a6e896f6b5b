import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { LAUNCH_STREAM } from '@agentry/contracts';
import { Gauge, metrics, withTimeout } from '@agentry/service-kit';
import { LAUNCH_CONSUMER } from './launch-stream.js';

const connections = new Set<NatsConnection>();

/**
 * Depth of the launch queue at scrape time, from the shared consumer (every replica reports the
 * same numbers: take max, not sum): launches waiting for an executor, and taken but not yet
 * settled. The executor HPA scales on this (see deploy/README.md).
 */
new Gauge({
  name: 'agentry_launch_queue_messages',
  help: 'Launches in the LAUNCHES queue: pending (waiting for an executor) and in_progress (taken, not yet acknowledged)',
  labelNames: ['state'] as const,
  registers: [metrics],
  async collect() {
    this.reset();
    const nc = [...connections].find((c) => !c.isClosed());
    if (!nc) return;
    try {
      const info = await withTimeout(
        jetstreamManager(nc).then((jsm) => jsm.consumers.info(LAUNCH_STREAM, LAUNCH_CONSUMER)),
        1000,
        'nats-server',
      );
      this.set({ state: 'pending' }, info.num_pending);
      this.set({ state: 'in_progress' }, info.num_ack_pending);
    } catch {
      // NATS away: no sample (the health check says why).
    }
  },
});

/** Reports the queue's depth through this connection until the returned function is called. */
export function reportLaunchQueueDepth(nc: NatsConnection): () => void {
  connections.add(nc);
  return () => connections.delete(nc);
}
