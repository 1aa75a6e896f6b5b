import type { RequestEnvelope } from '@agentry/contracts';
import { requireOrgAdmin } from '../endpoints/endpoints.service.js';
import { orgSigningSecret } from './signing.js';

/**
 * Answers an org admin its org's signing secret for agents' `notifications.webhook` POSTs, so the
 * org can verify them. The org is the caller's (from its key), never a parameter: no org reads
 * another's. Derived, not stored (orgSigningSecret): rotating AGENTRY_SECRET_KEY rotates every org's.
 */
export class AgentSigningSecretService {
  constructor(private readonly secretKey: Buffer) {}

  secret({ actor }: RequestEnvelope<unknown>): { secret: string } {
    const admin = requireOrgAdmin(actor);
    return { secret: orgSigningSecret(this.secretKey, admin.orgId) };
  }
}
