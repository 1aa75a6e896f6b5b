import { Module } from '@nestjs/common';
import { ContainerLauncher } from './container-launcher.service.js';
import { ContainersV2Controller } from './containers-v2.controller.js';
import { ExecuteExternalController } from './execute-external.controller.js';
import { ExecutionV2Controller } from './execution-v2.controller.js';
import { HistoryV1Controller } from './history-v1.controller.js';
import { LaunchV1Controller } from './launch-v1.controller.js';
import { LiveOutput } from './live/live-output.service.js';
import { UsageExportController } from './usage/usage-export.controller.js';

/** Launch, abort, live and stored output, container history (issue 3), in every API generation. */
@Module({
  controllers: [LaunchV1Controller, HistoryV1Controller, ExecutionV2Controller, ContainersV2Controller, ExecuteExternalController, UsageExportController],
  providers: [LiveOutput, ContainerLauncher],
})
export class ContainersHttpModule {}
