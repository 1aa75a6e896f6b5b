import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { KEY_INVALIDATIONS_SUBJECT, parseKeyInvalidation } from '@agentry/contracts';
import type { VerifiedKeyCache } from './auth-key-cache.js';

/** Connection events after which pushes may have been missed (or may be late): the cache is dropped. */
const UNRELIABLE = new Set(['disconnect', 'reconnect', 'reconnecting', 'staleConnection', 'slowConsumer', 'forceReconnect', 'close']);

/**
 * Keeps a replica's `VerifiedKeyCache` true: every replica subscribes (no queue group) to the
 * registry's invalidations and drops the named keys synchronously, in the message callback, before
 * any later request of that connection is looked at. A message it can't read drops everything.
 * Any sign the connection lost messages drops everything too.
 */
export function followKeyInvalidations(nc: NatsConnection, cache: VerifiedKeyCache): { stop(): void } {
  if (!cache.enabled) return { stop: () => undefined };
  const subscription: Subscription = nc.subscribe(KEY_INVALIDATIONS_SUBJECT, {
    callback: (error, msg) => {
      if (error) return cache.clear();
      let parsed = null;
      try {
        parsed = parseKeyInvalidation(msg.json());
      } catch {
        // not JSON: handled as unreadable below
      }
      if (parsed) cache.invalidate(parsed);
      else cache.clear();
    },
  });
  let stopped = false;
  void (async () => {
    for await (const status of nc.status()) {
      if (stopped) return;
      if (UNRELIABLE.has(status.type)) cache.clear();
    }
  })().catch(() => cache.clear());
  return {
    stop() {
      stopped = true;
      cache.clear();
      if (!subscription.isClosed()) subscription.unsubscribe();
    },
  };
}
