import { Injectable } from '@nestjs/common';
import { EventStore, positionOf, ProjectionRunner } from '@agentry/event-store';
import { StreamType, streamId } from '@agentry/contracts';
import type { ContainerRow } from './container-row.js';
import { ContainersLookup, type AgentEntry } from './containers.lookup.js';

const MAX_STREAM_POSITION = 2_147_483_647;

/** Longest a query waits for the history to catch up with a stream before answering what it has. */
const CATCH_UP_TIMEOUT_MS = 5_000;

/**
 * Lookups by id that do not answer "not found" for something that exists but is not projected yet: a client
 * asking about the container its launch just returned (another service appended it) must find it. On a miss
 * the object's stream is read from the log; if it has events, the query waits until the projections applied
 * them and looks again. A miss on an id that never existed costs one indexed read of the log.
 */
@Injectable()
export class FreshReads {
  constructor(
    private readonly lookup: ContainersLookup,
    private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {}

  /**
   * Waits until the projections applied every event committed before the call: for answers about which
   * containers an agent has (its most recent one, its list), which must include the one a launch answered
   * just before — a launch answers once its container is on record, before this service projected it.
   */
  async everythingCommitted(): Promise<void> {
    await this.projections.waitForCommitted({ timeoutMs: CATCH_UP_TIMEOUT_MS });
  }

  async container(orgId: number, containerId: number): Promise<ContainerRow | null> {
    const row = await this.lookup.container(orgId, containerId);
    if (row || !(await this.caughtUpWith(streamId(StreamType.container, containerId)))) return row;
    return this.lookup.container(orgId, containerId);
  }

  async agent(orgId: number, agentId: number): Promise<AgentEntry | null> {
    const agent = await this.lookup.agent(orgId, agentId);
    if (agent || !(await this.caughtUpWith(streamId(StreamType.agent, agentId)))) return agent;
    return this.lookup.agent(orgId, agentId);
  }

  /** False when the stream has no events; otherwise waits until the projections applied its last one. */
  private async caughtUpWith(stream: string): Promise<boolean> {
    // Its version first (no events read), then only its last event.
    const { version } = await this.store.readStream(stream, { fromVersion: MAX_STREAM_POSITION });
    if (version === 0) return false;
    const last = (await this.store.readStream(stream, { fromVersion: version })).events[0];
    if (!last) return false;
    await this.projections.waitFor(positionOf(last), { timeoutMs: CATCH_UP_TIMEOUT_MS });
    return true;
  }
}
