import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConcurrencyError, EventStore, type AppendResult, type EventMetadata, type ExpectedVersion, type NewEvent } from '@agentry/event-store';
import {
  ContainerClaimEventType,
  CONTAINER_RETRY_STREAM_TYPE,
  LAUNCH_KEY_STREAM_TYPE,
  StreamType,
  streamId,
  ContainerEventType,
  type ContainerClaimData,
  type ContainerEndedData,
  type RequestEnvelope,
} from '@agentry/contracts';
import { currentLogContext } from '@agentry/service-kit';
import { countContainerEvents } from './container-metrics.js';
import { fold, type ContainerState } from './domain/container.js';
import { firstOfType, type ContainerEvent } from './domain/container-event.js';
import { decideEnd, type EndCause } from './domain/end-decision.js';

export const containerStreamId = (id: number): string => streamId(StreamType.container, id);
export const launchKeyStreamId = (orgId: number, key: string): string => `${LAUNCH_KEY_STREAM_TYPE}-${orgId}-${createHash('sha256').update(key).digest('hex')}`;
export const retryClaimStreamId = (failedContainerId: number): string => `${CONTAINER_RETRY_STREAM_TYPE}-${failedContainerId}`;

/** The one event of a claim stream (launch key, retry): which container holds the claim. */
type ContainerClaimEvent = { type: (typeof ContainerClaimEventType)[keyof typeof ContainerClaimEventType]; data: ContainerClaimData };

/** Containers whose first event this replica remembers (a short string and a number each). */
const REMEMBERED_CONTAINERS = 10_000;

/** What later writes of a container need from its first event: the launch's request id, and since when it could run (queue wait). */
interface FirstEventFacts {
  correlationId?: string;
  readyAt?: number;
}

const readyAtOf = (queued: { queuedAt?: number; notBefore?: number | null } | undefined): number | undefined =>
  queued?.queuedAt === undefined ? undefined : Math.max(queued.queuedAt, queued.notBefore ?? 0);

export interface LoadedContainer {
  state: ContainerState | null;
  version: number;
}

export interface EndResult {
  /** The container's end (this call's, or the one written before it). */
  ended: ContainerEndedData | null;
  /** False when someone else had ended it already. */
  endedHere: boolean;
  append: AppendResult | null;
}

/**
 * Reads and writes `container-<id>` streams and the claim streams that go with them.
 *
 * A container's events all carry the request id that launched it (`correlationId`, from the
 * first event's metadata): the run's records — start, progress, messages, end — can be found by
 * the X-Request-Id the client sent, though they are appended later by a queue worker, the run
 * or the reaper, outside that request. The id is learnt when the container is created or loaded
 * (every writer loads before appending) and kept for the most recent containers only; so is when
 * it became runnable, for the queue-wait metric of its start.
 */
@Injectable()
export class ContainerStreams {
  private readonly remembered = new Map<number, FirstEventFacts>();

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * A new container's first events, with the claim that makes it unique (launch key, retry) in the
   * same transaction: of two racing creators one commits, the other gets ConcurrencyError.
   */
  async create(
    containerId: number,
    events: ContainerEvent[],
    claim: { streamId: string; kind: 'launch' | 'retry'; orgId: number } | null,
    metadata: EventMetadata | undefined = contextMetadata(),
  ): Promise<AppendResult> {
    this.remember(containerId, { correlationId: metadata?.correlationId, readyAt: readyAtOf(firstOfType(events, ContainerEventType.ContainerQueued)?.data) });
    if (!claim) return this.append(containerId, events, 'no_stream', { metadata });
    const created = await this.dataSource.transaction(async (manager) => {
      await this.appendClaim(claim.streamId, claim.kind, { orgId: claim.orgId, containerId }, manager);
      return this.append(containerId, events, 'no_stream', { manager, metadata });
    });
    if (created.appended) countContainerEvents(events, {});
    return created;
  }

  async load(containerId: number): Promise<LoadedContainer> {
    const { version, events } = await this.store.readStream<ContainerEvent>(containerStreamId(containerId));
    const state = fold(events);
    this.remember(containerId, { correlationId: events[0]?.metadata?.correlationId, readyAt: readyAtOf(state?.queued) });
    return { state, version };
  }

  /**
   * `metadata`: who asked (actor, request id) when a caller's request caused the events.
   * `started`, `endCause`: the container's start and why it ends, when known, for the metrics of an end.
   */
  async append(
    containerId: number,
    events: ContainerEvent[],
    expectedVersion: ExpectedVersion,
    opts: { manager?: EntityManager; metadata?: EventMetadata; started?: ContainerState['started']; endCause?: EndCause['kind'] } = {},
  ): Promise<AppendResult> {
    const known = this.remembered.get(containerId);
    const metadata = opts.metadata ?? (known?.correlationId ? { correlationId: known.correlationId } : undefined);
    const newEvents: NewEvent[] = events.map((e) => ({ type: e.type, data: e.data, ...(metadata ? { metadata } : {}) }));
    const result = await this.store.append(containerStreamId(containerId), StreamType.container, newEvents, { expectedVersion, manager: opts.manager });
    // Inside a caller's transaction the count waits for its commit (create()).
    if (!opts.manager && result.appended) countContainerEvents(events, { started: opts.started ?? null, endCause: opts.endCause, readyAt: known?.readyAt });
    return result;
  }

  private remember(containerId: number, facts: FirstEventFacts): void {
    if (facts.correlationId === undefined && facts.readyAt === undefined) return;
    this.remembered.delete(containerId);
    this.remembered.set(containerId, facts);
    // A Map iterates in insertion order: the first key is the least recently seen container.
    if (this.remembered.size > REMEMBERED_CONTAINERS) this.remembered.delete(this.remembered.keys().next().value!);
  }

  /** The container a claim stream (launch key, retry) points to, if any. */
  async claimHolder(claimStreamId: string): Promise<number | null> {
    const { events } = await this.store.readStream<ContainerClaimEvent>(claimStreamId);
    return events[0]?.data.containerId ?? null;
  }

  private appendClaim(claimStreamId: string, kind: 'launch' | 'retry', data: ContainerClaimData, manager: EntityManager): Promise<AppendResult> {
    const type = kind === 'launch' ? ContainerClaimEventType.LaunchKeyClaimed : ContainerClaimEventType.RetryClaimed;
    const streamType = kind === 'launch' ? LAUNCH_KEY_STREAM_TYPE : CONTAINER_RETRY_STREAM_TYPE;
    return this.store.append(claimStreamId, streamType, [{ type, data }], { expectedVersion: 'no_stream', manager });
  }

  /**
   * Ends a container unless it has ended already. Writers race (the run, an abort, the reaper):
   * each appends at the version it read, so exactly one end is recorded.
   */
  async end(containerId: number, cause: EndCause | ((state: ContainerState) => EndCause)): Promise<EndResult> {
    for (;;) {
      const { state, version } = await this.load(containerId);
      if (!state) return { ended: null, endedHere: false, append: null };
      if (state.phase === 'ended') return { ended: state.ended, endedHere: false, append: null };
      const endCause = typeof cause === 'function' ? cause(state) : cause;
      const events = decideEnd(state, endCause, Date.now());
      try {
        const append = await this.append(containerId, events, version, { started: state.started, endCause: endCause.kind });
        // decideEnd on a container not ended yet always decides its end.
        const ended = firstOfType(events, ContainerEventType.ContainerEnded)!.data;
        return { ended, endedHere: true, append };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }
}

/**
 * Metadata of a container created outside a request (a retry, by the consumer of the failed
 * run's end): the request id of the work in progress, i.e. the one that launched the first run.
 */
const contextMetadata = (): EventMetadata | undefined => {
  const { requestId } = currentLogContext();
  return requestId ? { correlationId: requestId } : undefined;
};

/** Event metadata naming the caller of a request. */
export const requestMetadata = (envelope: RequestEnvelope<unknown>): EventMetadata => {
  const { orgId, userId, keyId } = envelope.actor;
  return { actor: { orgId, userId, keyId }, ...(envelope.requestId ? { correlationId: envelope.requestId } : {}) };
};
