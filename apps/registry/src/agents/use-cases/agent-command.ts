import { Injectable } from '@nestjs/common';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import { StreamType, notFound, type AgentEvent, type AgentInstanceCounts, type RequestEnvelope } from '@agentry/contracts';
import { AgentStreams, agentStreamId, toNewEvent } from '../agent-streams.js';
import type { AgentState } from '../domain/agent.js';
import type { CommandContext } from '../domain/decide.js';
import { AgentsLookup } from '../read-model/agents.lookup.js';

export type AgentDecision = (state: AgentState, counts: AgentInstanceCounts, ctx: CommandContext) => AgentEvent[];

/**
 * The shape every command on an existing agent shares: load its stream (another org's agent is
 * NOT_FOUND), decide, append at the loaded version (a concurrent change → 409), then wait until
 * the read model shows the result so the caller's next query sees it.
 */
@Injectable()
export class AgentCommand {
  constructor(
    private readonly store: EventStore,
    private readonly streams: AgentStreams,
    private readonly projections: ProjectionRunner,
    private readonly lookup: AgentsLookup,
  ) {}

  async run(envelope: RequestEnvelope<unknown>, agentId: number, decide: AgentDecision): Promise<AgentEvent[]> {
    const loaded = await this.streams.loadAgent(agentId);
    if (!loaded.state || loaded.state.orgId !== envelope.actor.orgId) throw notFound('Agent');
    const ctx: CommandContext = { by: { userId: envelope.actor.userId, keyId: envelope.actor.keyId }, now: Date.now() };
    const events = decide(loaded.state, await this.lookup.instanceCounts(agentId), ctx);
    const appended = await this.store.append(
      agentStreamId(agentId),
      StreamType.agent,
      events.map((e) => toNewEvent(e, envelope)),
      {
        expectedVersion: loaded.version,
      },
    );
    await this.projections.waitFor(appended.position);
    return events;
  }
}
