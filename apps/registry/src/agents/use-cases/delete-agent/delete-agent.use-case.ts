import { Injectable } from '@nestjs/common';
import { AgentEventType, Role, requireRole, type DeleteAgentParams, type DeleteAgentResult, type RequestEnvelope } from '@agentry/contracts';
import { decideDelete } from '../../domain/decide.js';
import { AgentCommand } from '../agent-command.js';
import { readAgentId } from '../agent-id.js';

/** `agents/delete`: the agent leaves every read but fetch-deleted; its history stays in the log. */
@Injectable()
export class DeleteAgentUseCase {
  constructor(private readonly command: AgentCommand) {}

  async execute(envelope: RequestEnvelope<DeleteAgentParams>): Promise<DeleteAgentResult> {
    requireRole(envelope.actor, Role.AGENTS_UPDATE);
    const id = readAgentId(envelope.params?.id);
    const [deleted] = await this.command.run(envelope, id, decideDelete);
    if (deleted?.type !== AgentEventType.AgentDeleted)
      throw new Error(`decideDelete answered ${deleted?.type ?? 'nothing'}, not ${AgentEventType.AgentDeleted}`);
    return { id, deletedAt: deleted.data.at };
  }
}
