import { Injectable } from '@nestjs/common';
import { notFound, type AgentVersionsParams, type AgentVersionsResult, type RequestEnvelope } from '@agentry/contracts';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { readAgentId } from '../agent-id.js';

/** `agents/versions?id=`: every saved version of the agent, newest first. */
@Injectable()
export class ListAgentVersionsUseCase {
  constructor(private readonly lookup: AgentsLookup) {}

  async execute(envelope: RequestEnvelope<AgentVersionsParams>): Promise<AgentVersionsResult> {
    const id = readAgentId(envelope.params?.id);
    const found = await this.lookup.versionsOf(envelope.actor.orgId, id);
    if (!found) throw notFound('Agent');
    return { agentId: id, ...found };
  }
}
