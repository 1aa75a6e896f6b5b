import { Module } from '@nestjs/common';
import { BranchesV2Controller } from './branches-v2.controller.js';
import { ScriptsV1Controller } from './scripts-v1.controller.js';
import { ScriptsV2Controller } from './scripts-v2.controller.js';

@Module({ controllers: [ScriptsV1Controller, ScriptsV2Controller, BranchesV2Controller] })
export class ScriptsHttpModule {}
