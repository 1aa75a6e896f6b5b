/**
 * Injection token of the gateway's NATS connection (the one its RPC client uses), for features
 * that subscribe to core NATS subjects themselves, e.g. live container output.
 */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
