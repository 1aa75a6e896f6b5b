import { Module } from '@nestjs/common';
import { AgentsV1Controller } from './agents-v1.controller.js';
import { AgentsV2Controller } from './agents-v2.controller.js';

@Module({ controllers: [AgentsV1Controller, AgentsV2Controller] })
export class AgentsHttpModule {}
