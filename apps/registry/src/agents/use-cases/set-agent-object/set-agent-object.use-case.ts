import { Injectable } from '@nestjs/common';
import { ConcurrencyError } from '@agentry/event-store';
import type { AgentObjectResult, RequestEnvelope, SetAgentObjectParams } from '@agentry/contracts';
import { decideSetAgentObject, parseAgentObject } from '../../domain/agent-object.js';
import { AgentCommand } from '../agent-command.js';
import { readAgentId } from '../agent-id.js';

/** A set replaces the whole object, so a save racing another change is simply tried again. */
const ATTEMPTS = 5;

/** Internal (a run's `setAgentObject(object)`): replaces the run's agent's persistent object. */
@Injectable()
export class SetAgentObjectUseCase {
  constructor(private readonly command: AgentCommand) {}

  async execute(envelope: RequestEnvelope<SetAgentObjectParams>): Promise<AgentObjectResult> {
    const agentId = readAgentId(envelope.params?.agentId, 'agentId');
    const agentObject = parseAgentObject(envelope.params.agentObject);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.command.run(envelope, agentId, (state, _counts, ctx) => decideSetAgentObject(state, agentObject, ctx));
        return { agentId, agentObject };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
