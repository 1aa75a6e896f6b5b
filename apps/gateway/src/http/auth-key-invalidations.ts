import type { NatsConnection } from '@nats-io/transport-node';
import { KEY_INVALIDATIONS_SUBJECT, parseKeyInvalidation } from '@agentry/contracts';
import type { VerifiedKeyCache } from './auth-key-cache.js';
import { followInvalidations } from './invalidation-feed.js';

/**
 * Keeps a replica's `VerifiedKeyCache` true: every replica hears the registry's invalidations and drops
 * the named keys before any later request of that connection is looked at (invalidation-feed.ts); a
 * message it can't read, or any sign the connection lost messages, drops everything.
 */
export function followKeyInvalidations(nc: NatsConnection, cache: VerifiedKeyCache): { stop(): void } {
  if (!cache.enabled) return { stop: () => undefined };
  return followInvalidations(nc, {
    subjects: [KEY_INVALIDATIONS_SUBJECT],
    apply(msg) {
      const parsed = parseKeyInvalidation(msg.json());
      if (!parsed) throw new Error('unreadable key invalidation');
      cache.invalidate(parsed);
    },
    clear: () => cache.clear(),
  });
}
