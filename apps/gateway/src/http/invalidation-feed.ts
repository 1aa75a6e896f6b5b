import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';

/** Connection events after which pushes may have been missed (or may be late): the cache is dropped. */
const UNRELIABLE = new Set(['disconnect', 'reconnect', 'reconnecting', 'staleConnection', 'slowConsumer', 'forceReconnect', 'close']);

export interface InvalidationFeed {
  /** Core NATS subjects whose messages say what to drop (every replica subscribes: no queue group). */
  subjects: readonly string[];
  /** Drops what one message names. Throwing (a message it can't read) drops everything. */
  apply(msg: Msg): void;
  /** Drops everything. */
  clear(): void;
}

/**
 * Keeps one of a replica's caches true from pushed invalidations: each message is applied synchronously,
 * in the subscription callback, before any later message of that connection (an RPC answer included)
 * is looked at. Any sign the connection lost messages — a disconnect, a reconnect, a stall, a slow
 * consumer, a subscription error, a message it can't read — drops everything, since pushes may have
 * been missed meanwhile. Shared by the verified-key cache and the agent read cache.
 */
export function followInvalidations(nc: NatsConnection, feed: InvalidationFeed): { stop(): void } {
  const subscriptions: Subscription[] = feed.subjects.map((subject) =>
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) return feed.clear();
        try {
          feed.apply(msg);
        } catch {
          feed.clear();
        }
      },
    }),
  );
  let stopped = false;
  void (async () => {
    for await (const status of nc.status()) {
      if (stopped) return;
      if (UNRELIABLE.has(status.type)) feed.clear();
    }
  })().catch(() => feed.clear());
  return {
    stop() {
      stopped = true;
      feed.clear();
      for (const subscription of subscriptions) if (!subscription.isClosed()) subscription.unsubscribe();
    },
  };
}
