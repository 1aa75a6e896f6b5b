import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { ContainerLauncher } from './container-launcher.service.js';
import { readExternalExecute } from './launch-params.js';

/** The agents API `POST /v1/agents/:agentId/execute`: queue a run now; answers 202 with the run's id. */
@Controller('v1/agents')
export class ExecuteExternalController {
  constructor(private readonly launcher: ContainerLauncher) {}

  @Post(':agentId/execute')
  @HttpCode(202)
  async execute(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest) {
    const params = readExternalExecute(request, p);
    const launched = await this.launcher.launch(actor, params);
    return {
      data: {
        containerId: String(launched.containerId),
        agentId: String(params.agentId),
        status: 'QUEUED',
        queuedAt: new Date(launched.queuedAt).toISOString(),
      },
    };
  }
}
