import { Logger, type INestApplicationContext } from '@nestjs/common';
import { DomainError, ErrorCode } from '@agentry/contracts';
import type { RegistryConfig } from '../../config.js';
import { AccountStreams } from '../account-streams.js';
import { generateApiKey } from '../domain/api-key-secret.js';
import { OrgFounder } from '../org-founder.js';

export const FIRST_ORG_NAME = 'default';
/** The first org's plan: the operator's own org, effectively unlimited. */
export const FIRST_ORG_PLAN = { maxAgents: 1_000_000 };

export type BootstrapOutcome =
  | { created: true; orgId: number; keyId: number; /** The platform-admin key in clear (only place it exists). */ apiKey: string; keyWasGenerated: boolean }
  | { created: false };

/**
 * On a database without orgs: creates the first org ("default"), its admin user and a
 * platform-admin key — `config.bootstrapApiKey` when set, else a generated one that is NOT logged
 * (it is in the returned outcome only). Idempotent, also for replicas starting together: the
 * `org_name-default` claim lets exactly one of them create it. Orgs can only be created with a
 * platform-admin key, which only this creates, so "default is claimed" means "an org exists".
 */
export async function bootstrapFirstOrg(app: INestApplicationContext, config: Pick<RegistryConfig, 'bootstrapApiKey'>): Promise<BootstrapOutcome> {
  const log = new Logger('Accounts');
  if (await app.get(AccountStreams).orgNameClaimed(FIRST_ORG_NAME)) return { created: false };

  const apiKey = config.bootstrapApiKey ?? generateApiKey();
  try {
    const founded = await app
      .get(OrgFounder)
      .found({ name: FIRST_ORG_NAME, plan: FIRST_ORG_PLAN, adminEmail: null }, { key: apiKey, name: 'bootstrap platform admin', platformAdmin: true });
    log.log(
      config.bootstrapApiKey
        ? `created the first org "${FIRST_ORG_NAME}" (id ${founded.orgId}) with AGENTRY_BOOTSTRAP_API_KEY as its platform-admin key`
        : `created the first org "${FIRST_ORG_NAME}" (id ${founded.orgId}) with a generated platform-admin key (not shown; set AGENTRY_BOOTSTRAP_API_KEY on a fresh database to choose it)`,
    );
    return { created: true, orgId: founded.orgId, keyId: founded.keyId, apiKey, keyWasGenerated: !config.bootstrapApiKey };
  } catch (error) {
    // Another replica created it between our check and our append.
    if (error instanceof DomainError && error.code === ErrorCode.ALREADY_EXISTS) return { created: false };
    throw error;
  }
}
