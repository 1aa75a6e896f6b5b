import { Injectable } from '@nestjs/common';
import { EventStore } from '@agentry/event-store';
import { requestMetadata } from '@agentry/messaging';
import {
  AGENT_GROUPS_STREAM_TYPE,
  Role,
  agentGroupsStreamId,
  requireRole,
  validationFailed,
  type AgentGroupsResult,
  type RequestEnvelope,
  type SaveAgentGroupsParams,
} from '@agentry/contracts';
import { agentIdsOf, decideSaveAgentGroups, foldAgentGroups, parseAgentGroups, type AgentGroupsEvent } from '../../domain/agent-groups.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';

/**
 * v2 `orgs/save-agent-groups`: replaces the org's dashboard layout. Every agent id must be one of
 * the org's live agents (the document's 400 "Invalid agent ids provided"), so a layout can't name
 * another org's agents. A save replaces the whole layout, so it appends without an expected version.
 */
@Injectable()
export class SaveAgentGroupsUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly agents: AgentsLookup,
  ) {}

  async execute(envelope: RequestEnvelope<SaveAgentGroupsParams>): Promise<AgentGroupsResult> {
    const { actor } = envelope;
    requireRole(actor, Role.AGENTS_CREATE, Role.AGENTS_UPDATE);
    const agentGroups = parseAgentGroups(envelope.params?.agentGroups);
    const ids = agentIdsOf(agentGroups);
    const live = await this.agents.liveIds(actor.orgId, ids);
    const unknown = ids.filter((id) => !live.has(id));
    if (unknown.length) throw validationFailed([{ field: 'agentGroups', message: `Invalid agent ids provided: ${unknown.join(', ')}` }]);
    const event = decideSaveAgentGroups(actor.orgId, agentGroups, Date.now());
    const metadata = requestMetadata(envelope);
    // No read model: fetch folds the stream itself, so the next fetch sees this save without waiting on a projection.
    await this.store.append(agentGroupsStreamId(actor.orgId), AGENT_GROUPS_STREAM_TYPE, [{ ...event, metadata }], { expectedVersion: 'any' });
    return { agentGroups };
  }
}

/** v2 `orgs/fetch-agent-groups`: the last saved layout, without agents deleted since. */
@Injectable()
export class FetchAgentGroupsUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly agents: AgentsLookup,
  ) {}

  async execute(envelope: RequestEnvelope<unknown>): Promise<AgentGroupsResult> {
    const { orgId } = envelope.actor;
    const layout = foldAgentGroups((await this.store.readStream<AgentGroupsEvent>(agentGroupsStreamId(orgId))).events);
    const live = await this.agents.liveIds(orgId, agentIdsOf(layout));
    const isLive = (id: string) => live.has(Number(id));
    return {
      agentGroups: layout.filter((e) => typeof e !== 'string' || isLive(e)).map((e) => (typeof e === 'string' ? e : { ...e, agents: e.agents.filter(isLive) })),
    };
  }
}
