import { Injectable } from '@nestjs/common';
import { requirePlatformAdmin, type CreateOrgParams, type CreateOrgResult, type RequestEnvelope } from '@agentry/contracts';
import { generateApiKey } from '../../domain/api-key-secret.js';
import { parseCreateOrg } from '../../domain/org.js';
import { OrgFounder } from '../../org-founder.js';

/** `POST /api/v2/orgs` (platform admin): a new org, its admin user, and its first org-admin key, shown once. */
@Injectable()
export class CreateOrgUseCase {
  constructor(private readonly founder: OrgFounder) {}

  async execute(envelope: RequestEnvelope<CreateOrgParams>): Promise<CreateOrgResult> {
    requirePlatformAdmin(envelope.actor);
    const command = parseCreateOrg(envelope.params ?? {});
    const apiKey = generateApiKey();
    const founded = await this.founder.found(command, { key: apiKey, name: 'first org admin key', platformAdmin: false }, envelope);
    return { id: founded.orgId, name: command.name, plan: command.plan, adminUserId: founded.adminUserId, apiKey, apiKeyId: founded.keyId };
  }
}
