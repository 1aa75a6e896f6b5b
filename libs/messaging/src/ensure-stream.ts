import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { isDependencyUnavailable } from './dependency-errors.js';
import { isJetStreamApiError } from './jetstream-errors.js';

export type StreamDefinition = Partial<StreamConfig> & { name: string };

/**
 * Where a stream lives on the NATS deployment: `replicas` copies (NATS_STREAM_REPLICAS; 3 on a three-node
 * cluster, so a node crash loses no acknowledged message and a new leader takes over). Unset: a new
 * stream gets the server's default (1) and an existing one keeps its replicas (an update merges).
 */
export interface StreamPlacement {
  replicas?: number;
}

/** The stream configuration field for a placement: nothing when no replica count was asked for. */
export const replicasOf = (placement: StreamPlacement): Pick<StreamConfig, 'num_replicas'> | Record<string, never> =>
  placement.replicas === undefined ? {} : { num_replicas: placement.replicas };

/**
 * Creates a JetStream stream, or brings an existing one to `config` (its retention policy,
 * which the server cannot change, is left out of the update). Safe to run from several
 * replicas at once: adding a stream that exists with the same configuration succeeds.
 */
export async function ensureStream(nc: NatsConnection, config: StreamDefinition): Promise<void> {
  // On a cluster, creating a replicated stream needs a meta leader and every replica's answer: while
  // a node starts, or the machine is busy, the API times out or answers 503 for a while. A service
  // booting then waits instead of exiting; a real misconfiguration still fails at once.
  const deadline = Date.now() + ENSURE_STREAM_PATIENCE_MS;
  for (;;) {
    try {
      return await ensureStreamOnce(nc, config);
    } catch (err) {
      if (!isJetStreamBusy(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** How long a service keeps trying to create its streams at boot while JetStream is not answering. */
export const ENSURE_STREAM_PATIENCE_MS = 60_000;

const isJetStreamBusy = (err: unknown): boolean => isDependencyUnavailable(err) || (err instanceof JetStreamApiError && err.status === 503);

async function ensureStreamOnce(nc: NatsConnection, config: StreamDefinition): Promise<void> {
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
