import { Module } from '@nestjs/common';
import { CreateAgentExternalController } from './create-agent-external.controller.js';
import { SchedulingV2Controller } from './scheduling-v2.controller.js';

/** Scheduling endpoints (issue 4): unschedule-all, launch-soon, next-launch-dates, the agents API's agent creation. */
@Module({ controllers: [SchedulingV2Controller, CreateAgentExternalController] })
export class SchedulingHttpModule {}
