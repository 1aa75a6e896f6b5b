import { Module } from '@nestjs/common';
import { SchedulingV2Controller } from './scheduling-v2.controller.js';

/** Scheduling endpoints (issue 4): unschedule-all, launch-soon, next-launch-dates. */
@Module({ controllers: [SchedulingV2Controller] })
export class SchedulingHttpModule {}
