import { Controller, Get, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Subjects, validationFailed, type Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readFlag, readId } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { jsend } from '../http/shapes.js';
import { AgentReadCache } from './agent-read-cache.js';
import { scriptOf } from './agent-script.js';
import { saveAgentParams } from './save-params.js';
import { v1AgentDetails, v1AgentRecord } from './v1-agent.shape.js';

/** The v1 API's agent record and the `POST /api/v1/agent` API's create endpoint. */
@Controller('api/v1')
export class AgentsV1Controller {
  constructor(
    private readonly registry: RegistryClient,
    private readonly agents: AgentReadCache,
  ) {}

  /** The v1 document's `/agent/{id}`, and the v1 API's `/agent/{id}.json`. */
  @Get(['agent/:id.json', 'agent/:id'])
  async record(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const { view: agent } = await this.agents.read(actor, readId(p, 'id')!);
    const script = readFlag(p, 'withScript') ? await scriptOf(this.registry, actor, agent) : null;
    return jsend(v1AgentRecord(agent, script));
  }

  /**
   * The `POST /api/v1/agent` API: creates an agent from the same fields as `agents/save` and answers its details.
   * Errors take the `POST /api/v1/agent` API's `{status, code, message, errors}` form (the error filter's `v1-agent`).
   */
  @Post('agent')
  async create(@CurrentActor() actor: Actor, @Req() request: FastifyRequest) {
    const params = saveAgentParams(request);
    if (params.fields.id !== undefined) {
      throw validationFailed([{ field: 'id', message: 'is not accepted here (this endpoint only creates); update with POST /api/v2/agents/save' }]);
    }
    const saved = await this.registry.call(Subjects.agents.save, actor, params);
    return { details: v1AgentDetails(saved.agent), status: 'success' };
  }
}
