import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { EXECUTOR_LEASES_BUCKET } from '@agentry/contracts';
import type { StreamPlacement } from '@agentry/messaging';

/** KV bucket of the executor's leases: agent parallelism slots and container heartbeats. */
export const LEASES_BUCKET = EXECUTOR_LEASES_BUCKET;
export const LEASES_KV = Symbol('LEASES_KV');

/**
 * Every entry lives `ttlMs` after its last write (the bucket's max age), so a lease whose executor
 * died frees itself; live leases are rewritten well within that time (see KeepAlive).
 * `placement.replicas` applies when the bucket is created (an existing bucket keeps its replicas).
 */
export async function openLeases(nc: NatsConnection, ttlMs: number, placement: StreamPlacement = {}): Promise<KV> {
  // Every lease call (create, update, put, get, delete) is a JetStream request bounded by this:
  // a heartbeat or slot call never hangs a keep-alive tick or a reaper sweep, NATS down or not.
  return new Kvm(jetstream(nc, { timeout: LEASE_CALL_TIMEOUT_MS })).create(LEASES_BUCKET, {
    ttl: ttlMs,
    history: 1,
    ...(placement.replicas === undefined ? {} : { replicas: placement.replicas }),
  });
}

/** Longest wait for one KV answer (the library's default, stated: the watchdogs rely on it). */
export const LEASE_CALL_TIMEOUT_MS = 5000;

/** The entry exists and was not deleted (a KV get answers delete markers too). */
export async function isLive(kv: KV, key: string): Promise<boolean> {
  const entry = await kv.get(key);
  return entry !== null && entry.operation === 'PUT';
}
