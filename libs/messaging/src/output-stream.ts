import {
  DiscardPolicy,
  JetStreamApiCodes,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { OUTPUT_STREAM } from '@agentry/contracts';
import { isJetStreamApiError } from './jetstream-errors.js';

export const OUTPUT_SUBJECTS = 'output.>';

/**
 * Console bytes in transit from executors to the output service, which stores them in Postgres
 * (`output_chunks`) and acks. A work queue: an acked chunk leaves the stream, so the stream only
 * holds what is not stored yet. When the output service is down that backlog grows; past the
 * limits new chunks are refused (the executor sees the publish fail) rather than old unstored
 * ones dropped.
 */
const outputStreamConfig = (): Partial<StreamConfig> & { name: string } => ({
  name: OUTPUT_STREAM,
  subjects: [OUTPUT_SUBJECTS],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  discard: DiscardPolicy.New,
  max_age: nanos(7 * 24 * 60 * 60 * 1000),
  max_bytes: 8 * 1024 ** 3,
  max_msgs: -1,
  // A publisher retrying a chunk with the same Nats-Msg-Id within this window is stored once
  // (the table's primary key makes any later duplicate harmless too).
  duplicate_window: nanos(2 * 60 * 1000),
});

/** Creates the JetStream stream OUTPUT, or brings an existing one to the current configuration. Safe to run concurrently. */
export async function ensureOutputStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config = outputStreamConfig();
  try {
    await jsm.streams.info(OUTPUT_STREAM);
  } catch (err) {
    if (!isJetStreamApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    // Adding a stream that exists with the same configuration succeeds, so racing creators are fine.
    await jsm.streams.add(config);
    return;
  }
  // Retention cannot change on an existing stream; everything else follows the code.
  const { retention: _fixed, ...updatable } = config;
  await jsm.streams.update(OUTPUT_STREAM, updatable);
}
