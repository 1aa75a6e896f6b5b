import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** KV bucket of the executor's leases: agent parallelism slots and container heartbeats. */
export const LEASES_BUCKET = 'agentry_executor_leases';
export const LEASES_KV = Symbol('LEASES_KV');

/**
 * Every entry lives `ttlMs` after its last write (the bucket's max age), so a lease whose executor
 * died frees itself; live leases are rewritten well within that time (see KeepAlive).
 */
export async function openLeases(nc: NatsConnection, ttlMs: number): Promise<KV> {
  return new Kvm(nc).create(LEASES_BUCKET, { ttl: ttlMs, history: 1 });
}

/** The entry exists and was not deleted (a KV get answers delete markers too). */
export async function isLive(kv: KV, key: string): Promise<boolean> {
  const entry = await kv.get(key);
  return entry !== null && entry.operation === 'PUT';
}
