import { Injectable } from '@nestjs/common';
import { Role, requireRole, type AgentLifecycleResult, type RequestEnvelope, type RetireAgentParams } from '@agentry/contracts';
import { decideRetire } from '../../domain/decide.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { AgentCommand } from '../agent-command.js';
import { readAgentId } from '../agent-id.js';

/** `agents/retire`: the agent stays but can't be updated or launched until reinstated. */
@Injectable()
export class RetireAgentUseCase {
  constructor(
    private readonly command: AgentCommand,
    private readonly lookup: AgentsLookup,
  ) {}

  async execute(envelope: RequestEnvelope<RetireAgentParams>): Promise<AgentLifecycleResult> {
    requireRole(envelope.actor, Role.AGENTS_UPDATE);
    const id = readAgentId(envelope.params?.id);
    await this.command.run(envelope, id, decideRetire);
    return this.lookup.get(envelope.actor.orgId, id);
  }
}
