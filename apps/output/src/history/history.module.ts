import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/index.js';
import { ContainerViews } from './container-views.js';
import { HistoryController } from './history.controller.js';
import { ContainersLookup } from './read-model/containers.lookup.js';
import { FreshReads } from './read-model/fresh-reads.js';
import { AgentOutputUseCase } from './use-cases/agent-output/agent-output.use-case.js';
import { ContainerOutputUseCase } from './use-cases/container-output/container-output.use-case.js';
import { FetchContainerUseCase } from './use-cases/fetch-container/fetch-container.use-case.js';
import { ListContainersUseCase } from './use-cases/list-containers/list-containers.use-case.js';
import { RunningContainersUseCase } from './use-cases/running-containers/running-containers.use-case.js';

/** Container history and the `Subjects.output.*` queries. */
@Module({
  imports: [ConsoleModule],
  controllers: [HistoryController],
  providers: [
    ContainersLookup,
    FreshReads,
    ContainerViews,
    FetchContainerUseCase,
    ListContainersUseCase,
    ContainerOutputUseCase,
    AgentOutputUseCase,
    RunningContainersUseCase,
  ],
})
export class HistoryModule {}
