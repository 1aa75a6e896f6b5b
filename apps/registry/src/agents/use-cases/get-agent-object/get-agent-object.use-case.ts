import { Injectable } from '@nestjs/common';
import type { AgentObjectResult, GetAgentObjectParams, RequestEnvelope } from '@agentry/contracts';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { readAgentId } from '../agent-id.js';

/** Internal (a run's `getAgentObject(agentId?)`): the object of an agent of the run's org. */
@Injectable()
export class GetAgentObjectUseCase {
  constructor(private readonly lookup: AgentsLookup) {}

  async execute(envelope: RequestEnvelope<GetAgentObjectParams>): Promise<AgentObjectResult> {
    const agentId = readAgentId(envelope.params?.agentId, 'agentId');
    const agent = await this.lookup.get(envelope.actor.orgId, agentId, { withAgentObject: true });
    return { agentId, agentObject: agent.agentObject ?? null };
  }
}
