import { Injectable } from '@nestjs/common';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import {
  API_KEY_STREAM_TYPE,
  Role,
  apiKeyStreamId,
  notFound,
  requireRole,
  validationFailed,
  type ApiKeyDto,
  type RequestEnvelope,
  type RevokeApiKeyParams,
} from '@agentry/contracts';
import { AccountStreams, retryOnConflict, toNewEvent } from '../../account-streams.js';
import { decideRevoke } from '../../domain/api-key.js';
import { KeyInvalidations } from '../../key-invalidations.js';
import { ApiKeysLookup } from '../../read-model/api-keys.lookup.js';

/**
 * `DELETE /api/v2/org/api-keys/{id}` (org admin). Answers only once the read model shows the key
 * revoked (what a gateway asks when the key is not in its cache) and the invalidation has been
 * published to every gateway replica ahead of the answer: the key is refused at once everywhere.
 */
@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly streams: AccountStreams,
    private readonly projections: ProjectionRunner,
    private readonly keys: ApiKeysLookup,
    private readonly invalidations: KeyInvalidations,
  ) {}

  async execute(envelope: RequestEnvelope<RevokeApiKeyParams>): Promise<ApiKeyDto> {
    const { actor } = envelope;
    requireRole(actor, Role.ORG_ADMIN);
    const keyId = envelope.params?.id;
    if (typeof keyId !== 'number' || !Number.isSafeInteger(keyId) || keyId < 1)
      throw validationFailed([{ field: 'id', message: 'must be a positive integer' }]);

    await retryOnConflict(async () => {
      const { state, version } = await this.streams.loadApiKey(keyId);
      const events = decideRevoke(state, actor, Date.now());
      if (events.length === 0) return;
      const appended = await this.store.append(
        apiKeyStreamId(keyId),
        API_KEY_STREAM_TYPE,
        events.map((e) => toNewEvent(e, envelope)),
        {
          expectedVersion: version,
        },
      );
      await this.projections.waitFor(appended.position);
    });
    const revoked = await this.keys.find(actor.orgId, keyId);
    if (!revoked) throw notFound('API key');
    // Also when it was already revoked: a retry of a revoke whose publish failed publishes it.
    this.invalidations.publish({ keyIds: [keyId] });
    return revoked;
  }
}
