import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { OUTPUT_STREAM, OUTPUT_STREAM_SUBJECTS } from '@agentry/contracts';
import { ensureStream, replicasOf, type StreamDefinition, type StreamPlacement } from './ensure-stream.js';

/**
 * Console bytes in transit from executors to the output service, which stores them in Postgres
 * (`output_chunks`) and acks. The stream is a buffer, not the record: limits retention keeps chunks
 * for three days (or up to 4 GiB, oldest dropped first), long enough to ride out an output service
 * outage, while other consumers (tests, a future replay) may read it too, which a work queue forbids
 * once the service's consumer exists.
 */
const outputStreamConfig = (placement: StreamPlacement): StreamDefinition => ({
  name: OUTPUT_STREAM,
  subjects: [OUTPUT_STREAM_SUBJECTS],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  discard: DiscardPolicy.Old,
  max_age: nanos(3 * 24 * 60 * 60 * 1000),
  max_bytes: 4 * 1024 ** 3,
  max_msgs: -1,
  // A publisher retrying a chunk with the same Nats-Msg-Id within this window is stored once
  // (the table's primary key makes any later duplicate harmless too).
  duplicate_window: nanos(2 * 60 * 1000),
  ...replicasOf(placement),
});

/** Creates the JetStream stream OUTPUT, or brings an existing one to the current configuration. */
export const ensureOutputStream = (nc: NatsConnection, placement: StreamPlacement = {}): Promise<void> => ensureStream(nc, outputStreamConfig(placement));
