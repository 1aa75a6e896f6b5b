import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_MAX_RUNNING_CONTAINERS, requirePlatformAdmin, type CreateOrgParams, type CreateOrgResult, type RequestEnvelope } from '@agentry/contracts';
import { generateApiKey } from '../../domain/api-key-secret.js';
import { REGISTRY_CONFIG, type RegistryConfig } from '../../../config.js';
import { effectiveRunningCap, parseCreateOrg } from '../../domain/org.js';
import { OrgFounder } from '../../org-founder.js';

/** `POST /api/v2/orgs` (platform admin): a new org, its admin user, and its first org-admin key, shown once. */
@Injectable()
export class CreateOrgUseCase {
  constructor(
    private readonly founder: OrgFounder,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  async execute(envelope: RequestEnvelope<CreateOrgParams>): Promise<CreateOrgResult> {
    requirePlatformAdmin(envelope.actor);
    const command = parseCreateOrg(envelope.params ?? {});
    const apiKey = generateApiKey();
    const founded = await this.founder.found(command, { key: apiKey, name: 'first org admin key', platformAdmin: false }, envelope);
    const maxRunningContainers = effectiveRunningCap(command.plan, this.config.defaultMaxRunningContainers ?? DEFAULT_MAX_RUNNING_CONTAINERS);
    return {
      id: founded.orgId,
      name: command.name,
      plan: { ...command.plan, maxRunningContainers },
      adminUserId: founded.adminUserId,
      apiKey,
      apiKeyId: founded.keyId,
    };
  }
}
