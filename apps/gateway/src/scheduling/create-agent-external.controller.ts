import { Controller, HttpCode, Post } from '@nestjs/common';
import { Subjects, type Actor, type SaveAgentParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { externalAgent, readExternalCreate } from './external-agent.js';

/** The agents API `POST /v1/agents`: a scheduled agent, ACTIVE at once; 201 `{data: {...}}`. */
@Controller('v1/agents')
export class CreateAgentExternalController {
  constructor(private readonly client: RegistryClient) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const { fields, scheduleText } = readExternalCreate(p);
    const params: SaveAgentParams = { fields };
    const saved = await this.client.call(Subjects.agents.save, actor, params);
    const agent = await this.client.call(Subjects.agents.fetch, actor, { id: saved.id });
    return externalAgent(agent, scheduleText, actor.userId);
  }
}
