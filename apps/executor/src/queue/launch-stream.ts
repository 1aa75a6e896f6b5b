import { AckPolicy, DiscardPolicy, JetStreamApiCodes, jetstreamManager, RetentionPolicy, StorageType, type ConsumerConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { LAUNCH_STREAM, NatsDurables, StreamSubjects } from '@agentry/contracts';
import { ensureStream, isJetStreamApiError, replicasOf, type StreamDefinition, type StreamPlacement } from '@agentry/messaging';

/** Durable consumer shared by every executor replica: each launch goes to one of them. */
export const LAUNCH_CONSUMER = NatsDurables.executorLaunches;

/** How long a pulled launch may stay unacknowledged (its worker died) before another replica gets it. */
export const LAUNCH_ACK_WAIT_MS = 30_000;

/**
 * Work queue of containers to run (`launches.<agentId>`). A message only names its container:
 * the container's stream is the truth, so a duplicate or stale message is dropped by the worker.
 * Publishing twice within the duplicate window (launch + the EVENTS backstop) stores it once.
 */
const launchStreamConfig = (placement: StreamPlacement): StreamDefinition => ({
  name: LAUNCH_STREAM,
  subjects: [StreamSubjects[LAUNCH_STREAM]],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  discard: DiscardPolicy.New,
  max_age: nanos(7 * 24 * 60 * 60 * 1000),
  max_msgs: -1,
  max_bytes: -1,
  duplicate_window: nanos(10 * 60 * 1000),
  ...replicasOf(placement),
});

const launchConsumerConfig = (): Partial<ConsumerConfig> & { durable_name: string } => ({
  durable_name: LAUNCH_CONSUMER,
  ack_policy: AckPolicy.Explicit,
  ack_wait: nanos(LAUNCH_ACK_WAIT_MS),
  max_deliver: -1,
  // Pulled messages a replica holds while it waits for a free local slot.
  max_ack_pending: 10_000,
});

/** Creates (or updates) the LAUNCHES stream and its consumer. Safe to run from several replicas at once. */
export async function ensureLaunchQueue(nc: NatsConnection, placement: StreamPlacement = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await ensureStream(nc, launchStreamConfig(placement));
  const consumer = launchConsumerConfig();
  try {
    await jsm.consumers.info(LAUNCH_STREAM, LAUNCH_CONSUMER);
    await jsm.consumers.update(LAUNCH_STREAM, LAUNCH_CONSUMER, consumer);
  } catch (err) {
    if (!isJetStreamApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(LAUNCH_STREAM, consumer);
  }
}
