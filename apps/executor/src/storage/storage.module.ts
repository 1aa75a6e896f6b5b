import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module.js';
import { AgentStorage } from './agent-storage.js';
import { StorageController } from './storage.controller.js';
import { ReadStoredFileUseCase } from './use-cases/read-stored-file/read-stored-file.use-case.js';

/** The agents' saved files: prepared per run (fileMgmt), read back for the gateway. */
@Module({
  imports: [ContainersModule],
  controllers: [StorageController],
  providers: [AgentStorage, ReadStoredFileUseCase],
  exports: [AgentStorage],
})
export class StorageModule {}
