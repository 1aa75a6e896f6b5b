import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, isWellFormedApiKey, type Actor, type VerifyKeyParams } from '@agentry/contracts';
import { actorFor, parseOrgSelector } from '../../domain/access.js';
import { ApiKeyHasher } from '../../domain/api-key-secret.js';
import { ApiKeysLookup } from '../../read-model/api-keys.lookup.js';
import { OrgsLookup } from '../../read-model/orgs.lookup.js';

const unauthenticated = (message: string) => new DomainError(ErrorCode.UNAUTHENTICATED, message);

/**
 * `Subjects.auth.verifyKey`, asked by the gateway on every request (no actor). Reads the read
 * model, which a revoke has updated before it answered, so a revoked key is refused at once.
 */
@Injectable()
export class VerifyApiKeyUseCase {
  constructor(
    private readonly hasher: ApiKeyHasher,
    private readonly keys: ApiKeysLookup,
    private readonly orgs: OrgsLookup,
  ) {}

  async execute(envelope: { params?: VerifyKeyParams }): Promise<Actor> {
    const { key, org } = envelope?.params ?? {};
    if (key === undefined || key === null || key === '') throw unauthenticated('Missing API key');
    if (!isWellFormedApiKey(key)) throw unauthenticated('Invalid API key');

    const presented = this.hasher.digest(key);
    const candidates = await this.keys.findByPrefix(presented.prefix);
    const match = candidates.find((row) => ApiKeyHasher.sameHash(presented.hash, row.hash));
    if (!match || match.revokedAt !== null) throw unauthenticated('Invalid API key');

    const grant = { keyId: match.id, orgId: match.orgId, userId: match.userId, roles: match.roles, platformAdmin: match.platformAdmin };
    return actorFor(grant, parseOrgSelector(org), (orgId) => this.orgs.exists(orgId));
  }
}
