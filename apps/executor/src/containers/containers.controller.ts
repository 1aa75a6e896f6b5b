import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import { Subjects, type AbortAgentParams, type LaunchAgentParams, type RequestEnvelope } from '@agentry/contracts';
import { AbortAgentUseCase } from './use-cases/abort-agent/abort-agent.use-case.js';
import { LaunchAgentUseCase } from './use-cases/launch-agent/launch-agent.use-case.js';

@Controller()
export class ContainersController {
  constructor(
    private readonly launchAgent: LaunchAgentUseCase,
    private readonly abortAgent: AbortAgentUseCase,
  ) {}

  @MessagePattern(Subjects.executor.launch)
  launch(@Payload() envelope: RequestEnvelope<LaunchAgentParams>) {
    return rpcReply(() => this.launchAgent.execute(envelope));
  }

  @MessagePattern(Subjects.executor.abort)
  abort(@Payload() envelope: RequestEnvelope<AbortAgentParams>) {
    return rpcReply(() => this.abortAgent.execute(envelope));
  }
}
