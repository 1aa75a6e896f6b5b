import { Injectable } from '@nestjs/common';
import { READ_STORED_FILE_MAX_BYTES, validationFailed, type ReadStoredFileParams, type ReadStoredFileResult, type RequestEnvelope } from '@agentry/contracts';
import { RegistryClient } from '../../../registry/registry.client.js';
import { AgentStorage } from '../../agent-storage.js';
import { safeRelativePath } from '../../storage-paths.js';

/** `Subjects.executor.readStoredFile`: a file an agent of the caller's org saved (the gateway serves its URL). */
@Injectable()
export class ReadStoredFileUseCase {
  constructor(
    private readonly registry: RegistryClient,
    private readonly storage: AgentStorage,
  ) {}

  async execute(envelope: RequestEnvelope<ReadStoredFileParams>): Promise<ReadStoredFileResult> {
    const p = envelope.params ?? ({} as ReadStoredFileParams);
    const path = safeRelativePath(p.path);
    const offset = p.offset ?? 0;
    const maxBytes = p.maxBytes ?? READ_STORED_FILE_MAX_BYTES;
    if (!Number.isSafeInteger(offset) || offset < 0) throw validationFailed([{ field: 'offset', message: 'must be a whole number of bytes' }]);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw validationFailed([{ field: 'maxBytes', message: 'must be a positive whole number of bytes' }]);
    // Another org's agent is NOT_FOUND here, so its files are too.
    const agent = await this.registry.fetchAgent(envelope.actor, p.agentId);
    return this.storage.read({ orgId: envelope.actor.orgId, storageFolder: agent.storageFolder, path, offset, maxBytes });
  }
}
