import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Role, requireRole, validationFailed, type RequestEnvelope, type RollbackAgentParams, type RollbackAgentResult } from '@agentry/contracts';
import { decideRollback } from '../../domain/decide.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { AgentCommand } from '../agent-command.js';
import { readAgentId } from '../agent-id.js';

/** `agents/rollback {id, versionId}`: appends a new version equal to the chosen old one. */
@Injectable()
export class RollbackAgentUseCase {
  constructor(
    private readonly command: AgentCommand,
    private readonly lookup: AgentsLookup,
  ) {}

  async execute(envelope: RequestEnvelope<RollbackAgentParams>): Promise<RollbackAgentResult> {
    requireRole(envelope.actor, Role.AGENTS_UPDATE);
    const id = readAgentId(envelope.params?.id);
    const toVersionId = envelope.params.versionId;
    if (typeof toVersionId !== 'string' || toVersionId.length === 0 || toVersionId.length > 100) {
      throw validationFailed([{ field: 'versionId', message: "is required: the id of one of the agent's versions (see agents/versions)" }]);
    }
    const versionId = randomUUID();
    await this.command.run(envelope, id, (state, _counts, ctx) => decideRollback(state, { toVersionId, versionId }, ctx));
    return { id, created: false, versionId, agent: await this.lookup.get(envelope.actor.orgId, id) };
  }
}
