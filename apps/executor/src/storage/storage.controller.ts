import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import { Subjects, type ReadStoredFileParams, type RequestEnvelope } from '@agentry/contracts';
import { ReadStoredFileUseCase } from './use-cases/read-stored-file/read-stored-file.use-case.js';

@Controller()
export class StorageController {
  constructor(private readonly readStoredFile: ReadStoredFileUseCase) {}

  @MessagePattern(Subjects.executor.readStoredFile)
  read(@Payload() envelope: RequestEnvelope<ReadStoredFileParams>) {
    return rpcReply(() => this.readStoredFile.execute(envelope));
  }
}
