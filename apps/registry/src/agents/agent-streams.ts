import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventStore, type LogPosition } from '@agentry/event-store';
import {
  AGENT_IDEMPOTENCY_STREAM_TYPE,
  StreamType,
  streamId,
  AgentIdempotencyKeyReserved,
  type AgentEvent,
  type AgentIdempotencyKeyReservedData,
} from '@agentry/contracts';
import { fold, type AgentState } from './domain/agent.js';

export interface LoadedAgent {
  state: AgentState | null;
  version: number;
  /** Log position of the stream's last event (null for an empty stream). */
  position: LogPosition | null;
}

/** The one event of an agent create idempotency stream: which agent the key made. */
type AgentIdempotencyKeyReserved = { type: typeof AgentIdempotencyKeyReserved; data: AgentIdempotencyKeyReservedData };

export const agentStreamId = (id: number): string => streamId(StreamType.agent, id);

/** One stream per (org, create idempotency key); the key is hashed so any text is a safe stream id. */
export const idempotencyStreamId = (orgId: number, key: string): string =>
  `${AGENT_IDEMPOTENCY_STREAM_TYPE}-${orgId}-${createHash('sha256').update(key).digest('hex')}`;

/** Loads the agents feature's streams from the event store and folds them. */
@Injectable()
export class AgentStreams {
  constructor(private readonly store: EventStore) {}

  async loadAgent(id: number): Promise<LoadedAgent> {
    // An `agent-<id>` stream holds only agent events (its stream type is `agent`): the one place they are read as such.
    const { version, events } = await this.store.readStream<AgentEvent>(agentStreamId(id));
    const last = events.at(-1);
    return { state: fold(events), version, position: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : null };
  }

  /** The agent a create idempotency key already made, if any. */
  async idempotencyHolder(orgId: number, key: string): Promise<number | null> {
    const { events } = await this.store.readStream<AgentIdempotencyKeyReserved>(idempotencyStreamId(orgId, key));
    return events[0]?.data.agentId ?? null;
  }
}

/** Domain events become store events carrying who asked and the request id for tracing. */
export { toNewEvent } from '@agentry/messaging';
