import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Subjects, validationFailed, type AbortAgentParams, type Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readId } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { jsend } from '../http/shapes.js';
import { ContainerLauncher } from './container-launcher.service.js';
import { readLastEventId, readV1Launch } from './launch-params.js';

/** The v1 API launch (six output modes) and abort; both answer GET as well as POST. */
@Controller('api/v1/agent')
export class LaunchV1Controller {
  constructor(
    private readonly launcher: ContainerLauncher,
    private readonly client: RegistryClient,
  ) {}

  @Post(':id/launch')
  launchPost(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.launch(actor, p, request, reply);
  }

  @Get(':id/launch')
  launchGet(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.launch(actor, p, request, reply);
  }

  @Post([':id/abort.json', ':id/abort'])
  @HttpCode(200)
  abortPost(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.abort(actor, p);
  }

  @Get([':id/abort.json', ':id/abort'])
  abortGet(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.abort(actor, p);
  }

  private async launch(actor: Actor, p: RawParams, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { params, output } = readV1Launch(request, p);
    if (output === 'json') {
      const { containerId } = await this.launcher.launch(actor, params);
      await reply.status(200).send(jsend({ containerId }));
      return;
    }
    // Resuming an event stream means following the same container: only an idempotency key says which.
    const resumeFrom = output === 'event-stream' ? readLastEventId(request) : undefined;
    if (resumeFrom !== undefined && params.idempotencyKey === undefined) {
      throw validationFailed([
        { field: 'idempotencyKey', message: 'is required to resume an event stream with Last-Event-ID: send the key of the first request' },
      ]);
    }
    await this.launcher.launchAndStream(actor, params, reply, output, { resumeFrom });
  }

  private async abort(actor: Actor, p: RawParams) {
    const params: AbortAgentParams = { agentId: readId(p, 'id')! };
    await this.client.call(Subjects.executor.abort, actor, params);
    return jsend(null);
  }
}
