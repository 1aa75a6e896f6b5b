import { Injectable } from '@nestjs/common';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import {
  API_KEY_STREAM_TYPE,
  Role,
  apiKeyStreamId,
  requireRole,
  type CreateApiKeyParams,
  type CreatedApiKeyDto,
  type RequestEnvelope,
} from '@agentry/contracts';
import { toNewEvent } from '../../account-streams.js';
import { decideIssueKey, parseCreateApiKey } from '../../domain/api-key.js';
import { ApiKeyHasher, generateApiKey } from '../../domain/api-key-secret.js';
import { ApiKeysLookup } from '../../read-model/api-keys.lookup.js';

/** `POST /api/v2/org/api-keys` (org admin): a key of the caller's user in the caller's org; the key is answered once. */
@Injectable()
export class CreateApiKeyUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly hasher: ApiKeyHasher,
    private readonly projections: ProjectionRunner,
    private readonly keys: ApiKeysLookup,
  ) {}

  async execute(envelope: RequestEnvelope<CreateApiKeyParams>): Promise<CreatedApiKeyDto> {
    const { actor } = envelope;
    requireRole(actor, Role.ORG_ADMIN);
    const command = parseCreateApiKey(envelope.params ?? {});
    const key = generateApiKey();
    const keyId = await this.store.nextId('api_key');
    const issued = decideIssueKey(
      {
        keyId,
        orgId: actor.orgId,
        userId: actor.userId,
        name: command.name,
        roles: command.roles,
        platformAdmin: false,
        digest: this.hasher.digest(key),
        createdBy: { userId: actor.userId, keyId: actor.keyId },
      },
      Date.now(),
    );
    const appended = await this.store.append(apiKeyStreamId(keyId), API_KEY_STREAM_TYPE, [toNewEvent(issued, envelope)], { expectedVersion: 0 });
    await this.projections.waitFor(appended.position);
    const created = await this.keys.find(actor.orgId, keyId);
    return { ...created!, key };
  }
}
