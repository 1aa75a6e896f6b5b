import { Injectable } from '@nestjs/common';
import { Role, requireRole, type AgentLifecycleResult, type ReinstateAgentParams, type RequestEnvelope } from '@agentry/contracts';
import { decideReinstate } from '../../domain/decide.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { AgentCommand } from '../agent-command.js';
import { readAgentId } from '../agent-id.js';

/** `agents/reinstate`: a retired agent becomes active again. */
@Injectable()
export class ReinstateAgentUseCase {
  constructor(
    private readonly command: AgentCommand,
    private readonly lookup: AgentsLookup,
  ) {}

  async execute(envelope: RequestEnvelope<ReinstateAgentParams>): Promise<AgentLifecycleResult> {
    requireRole(envelope.actor, Role.AGENTS_UPDATE);
    const id = readAgentId(envelope.params?.id);
    await this.command.run(envelope, id, decideReinstate);
    return this.lookup.get(envelope.actor.orgId, id);
  }
}
