import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import {
  Subjects,
  type AgentOutputParams,
  type ContainerOutputParams,
  type FetchContainerParams,
  type ListContainersParams,
  type RequestEnvelope,
} from '@agentry/contracts';
import { AgentOutputUseCase } from './use-cases/agent-output/agent-output.use-case.js';
import { ContainerOutputUseCase } from './use-cases/container-output/container-output.use-case.js';
import { FetchContainerUseCase } from './use-cases/fetch-container/fetch-container.use-case.js';
import { ListContainersUseCase } from './use-cases/list-containers/list-containers.use-case.js';
import { RunningContainersUseCase } from './use-cases/running-containers/running-containers.use-case.js';

@Controller()
export class HistoryController {
  constructor(
    private readonly fetchContainer: FetchContainerUseCase,
    private readonly listContainers: ListContainersUseCase,
    private readonly containerOutput: ContainerOutputUseCase,
    private readonly agentOutput: AgentOutputUseCase,
    private readonly runningContainers: RunningContainersUseCase,
  ) {}

  @MessagePattern(Subjects.output.fetchContainer)
  fetch(@Payload() envelope: RequestEnvelope<FetchContainerParams>) {
    return rpcReply(() => this.fetchContainer.execute(envelope));
  }

  @MessagePattern(Subjects.output.listContainers)
  list(@Payload() envelope: RequestEnvelope<ListContainersParams>) {
    return rpcReply(() => this.listContainers.execute(envelope));
  }

  @MessagePattern(Subjects.output.containerOutput)
  outputOfContainer(@Payload() envelope: RequestEnvelope<ContainerOutputParams>) {
    return rpcReply(() => this.containerOutput.execute(envelope));
  }

  @MessagePattern(Subjects.output.agentOutput)
  outputOfAgent(@Payload() envelope: RequestEnvelope<AgentOutputParams>) {
    return rpcReply(() => this.agentOutput.execute(envelope));
  }

  @MessagePattern(Subjects.output.runningContainers)
  running(@Payload() envelope: RequestEnvelope<unknown>) {
    return rpcReply(() => this.runningContainers.execute(envelope));
  }
}
