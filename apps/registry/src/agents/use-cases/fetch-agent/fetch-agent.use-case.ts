import { Injectable } from '@nestjs/common';
import type { AgentView, FetchAgentParams, RequestEnvelope } from '@agentry/contracts';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { readAgentId } from '../agent-id.js';

/** `agents/fetch?id=`: one live agent of the caller's org. */
@Injectable()
export class FetchAgentUseCase {
  constructor(private readonly lookup: AgentsLookup) {}

  async execute(envelope: RequestEnvelope<FetchAgentParams>): Promise<AgentView> {
    const id = readAgentId(envelope.params?.id);
    return this.lookup.get(envelope.actor.orgId, id, { withAgentObject: envelope.params.withAgentObject === true });
  }
}
