import { Injectable } from '@nestjs/common';
import type { AgentListResult, RequestEnvelope } from '@agentry/contracts';
import { AgentsLookup } from '../../read-model/agents.lookup.js';

/** `agents/fetch-deleted`: the org's deleted agents, most recently deleted first. */
@Injectable()
export class FetchDeletedAgentsUseCase {
  constructor(private readonly lookup: AgentsLookup) {}

  async execute(envelope: RequestEnvelope<unknown>): Promise<AgentListResult> {
    return { agents: await this.lookup.listDeleted(envelope.actor.orgId) };
  }
}
