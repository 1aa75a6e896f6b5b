import { DomainError, ErrorCode, Role, type Actor } from '@agentry/contracts';

/** The stored facts about a verified, unrevoked key that decide what it may do. */
export interface KeyGrant {
  keyId: number;
  orgId: number;
  userId: number;
  roles: Role[];
  platformAdmin: boolean;
}

export const orgNotAccessible = (org: string): DomainError => new DomainError(ErrorCode.FORBIDDEN, `Org ${org} is not accessible with this API key`);

/**
 * `X-Phantombuster-Org` carries the numeric id of the org to act in. Absent or empty: the key's
 * own org. Anything else that is not an id can never be accessible.
 */
export function parseOrgSelector(raw: string | number | null | undefined): number | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const text = String(raw).trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw orgNotAccessible(JSON.stringify(text.slice(0, 40)));
  return Number(text);
}

/**
 * The actor a key acts as in `orgId`. A key acts in its own org with its own roles; a
 * platform-admin key may also act in any other (existing) org, as that org's admin — the one way a
 * key reaches several orgs. `orgExists` is asked only for that case.
 */
export async function actorFor(grant: KeyGrant, requestedOrgId: number | null, orgExists: (orgId: number) => Promise<boolean>): Promise<Actor> {
  const base = { userId: grant.userId, keyId: grant.keyId, platformAdmin: grant.platformAdmin };
  if (requestedOrgId === null || requestedOrgId === grant.orgId) return { ...base, orgId: grant.orgId, roles: grant.roles };
  if (grant.platformAdmin && (await orgExists(requestedOrgId))) return { ...base, orgId: requestedOrgId, roles: [Role.ORG_ADMIN] };
  throw orgNotAccessible(String(requestedOrgId));
}
