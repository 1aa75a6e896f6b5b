import { JetStreamApiError } from '@nats-io/jetstream';

/** True when a JetStream API call failed with this error code (see `JetStreamApiCodes`). */
export const isJetStreamApiError = (err: unknown, code: number): boolean => err instanceof JetStreamApiError && err.code === code;
