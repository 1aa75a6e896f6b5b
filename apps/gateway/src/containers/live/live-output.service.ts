import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DomainError, ErrorCode, type Actor } from '@agentry/contracts';
import type { EdgeConfig } from '../../config.js';
import { EDGE_CONFIG } from '../../http/edge-config.js';
import { NATS_CONNECTION } from '../../http/nats-connection.js';
import { RegistryClient } from '../../http/registry.client.js';
import { DEFAULT_FEED_TIMING, type FeedEvent } from './container-feed.js';
import { ContainerHub, hubPollPeriodMs } from './container-hub.js';
import type { DirectOutput, DirectSink } from './shared-frame.js';

/** What a stream writes from: the feed's events, and (DirectOutput) a way for its writer to be written to directly. */
export type FollowedOutput = AsyncIterable<FeedEvent> & DirectOutput;

/**
 * Watches containers for streaming responses: live messages (core NATS, subscribed first) merged
 * with the stored output (output service) into one gapless, repeat-free feed per follower, every
 * follower of a container on this gateway sharing one subscription and one record poll (ContainerHub).
 *
 * The live subject is not scoped by org: callers pass only containers the actor's org owns (the
 * ones the executor just answered to the actor's own launch, or one the output service found as
 * the actor's); hubs are keyed by org too, so nothing is shared across orgs regardless.
 */
@Injectable()
export class LiveOutput implements OnModuleDestroy {
  /** Aborted on shutdown so open streams end and the HTTP server can close. */
  private readonly shutdown = new AbortController();
  private readonly hubs = new Map<string, ContainerHub>();
  /** Open live streams per org on this replica (LIVE_FOLLOWERS_PER_ORG). */
  private readonly streamsByOrg = new Map<number, number>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly client: RegistryClient,
    @Inject(EDGE_CONFIG) private readonly edge: EdgeConfig,
  ) {}

  /** How long a streaming client may leave output unread before it is cut off (STREAM_STALLED_CLIENT_MS). */
  get stalledClientMs(): number {
    return this.edge.streamStalledClientMs;
  }

  /**
   * Counts one more live stream of the actor's org and answers its release (call it once the stream
   * ended). Past LIVE_FOLLOWERS_PER_ORG the stream is refused with a 429 naming the limit, before
   * anything is launched or watched: one org cannot take every socket and follower of a replica.
   */
  admit(actor: Actor): () => void {
    const limit = this.edge.liveFollowersPerOrg;
    const open = this.streamsByOrg.get(actor.orgId) ?? 0;
    if (limit > 0 && open >= limit) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `This org already has ${open} live output streams open on this gateway (LIVE_FOLLOWERS_PER_ORG = ${limit}); close one and retry`,
        undefined,
        5,
      );
    }
    this.streamsByOrg.set(actor.orgId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.streamsByOrg.get(actor.orgId) ?? 1) - 1;
      if (left > 0) this.streamsByOrg.set(actor.orgId, left);
      else this.streamsByOrg.delete(actor.orgId);
    };
  }

  /** NATS subscriptions held for live output: one per followed container, whatever the number of followers. */
  get liveSubscriptions(): number {
    return this.hubs.size;
  }

  /**
   * A follower of the container from byte `from`, joining its hub when iterated. Its writer may hand it a
   * DirectSink first (`writeDirectly`): live output in step is then written by the hub itself.
   * `justQueued`: the caller's own launch created the container just now (ContainerFeed skips its first reads).
   */
  follow(actor: Actor, containerId: number, from: number, signal: AbortSignal, justQueued = false): FollowedOutput {
    let sink: DirectSink | null = null;
    const events = async function* (this: LiveOutput): AsyncGenerator<FeedEvent> {
      const hub = this.hubFor(actor, containerId);
      const feed = hub.join(from, justQueued);
      if (sink) feed.writeTo(sink);
      try {
        yield* feed.events(AbortSignal.any([signal, this.shutdown.signal]));
      } finally {
        hub.leave(feed);
      }
    }.bind(this);
    return { [Symbol.asyncIterator]: () => events(), writeDirectly: (given) => void (sink = given) };
  }

  private hubFor(actor: Actor, containerId: number): ContainerHub {
    const key = `${actor.orgId}:${containerId}`;
    const hub = this.hubs.get(key);
    if (hub) return hub;
    const pollMs = () => hubPollPeriodMs(this.hubs.size, DEFAULT_FEED_TIMING.pollMs!);
    const created = new ContainerHub(this.nats, this.client, actor, containerId, pollMs, () => {
      if (this.hubs.get(key) === created) this.hubs.delete(key);
    });
    this.hubs.set(key, created);
    return created;
  }

  onModuleDestroy(): void {
    this.shutdown.abort();
    for (const hub of this.hubs.values()) hub.close();
  }
}
