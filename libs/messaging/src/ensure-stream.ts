import { JetStreamApiCodes, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { isJetStreamApiError } from './jetstream-errors.js';

export type StreamDefinition = Partial<StreamConfig> & { name: string };

/**
 * Where a stream lives on the NATS deployment: `replicas` copies (NATS_STREAM_REPLICAS; 3 on a three-node
 * cluster, so a node crash loses no acknowledged message and a new leader takes over). Default 1.
 */
export interface StreamPlacement {
  replicas?: number;
}

/**
 * Creates a JetStream stream, or brings an existing one to `config` (its retention policy,
 * which the server cannot change, is left out of the update). Safe to run from several
 * replicas at once: adding a stream that exists with the same configuration succeeds.
 */
export async function ensureStream(nc: NatsConnection, config: StreamDefinition): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (!isJetStreamApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add(config);
    return;
  }
  const { retention: _fixed, ...updatable } = config;
  await jsm.streams.update(config.name, updatable);
}
