import { Injectable } from '@nestjs/common';
import { Role, requireRole, type ApiKeyDto, type ListApiKeysParams, type RequestEnvelope } from '@agentry/contracts';
import { ApiKeysLookup } from '../../read-model/api-keys.lookup.js';

/** `GET /api/v2/org/api-keys` (org admin): the org's keys, revoked ones included, never a key or its hash. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(private readonly keys: ApiKeysLookup) {}

  execute(envelope: RequestEnvelope<ListApiKeysParams>): Promise<ApiKeyDto[]> {
    requireRole(envelope.actor, Role.ORG_ADMIN);
    return this.keys.list(envelope.actor.orgId);
  }
}
