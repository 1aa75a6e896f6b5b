import {
  API_KEY_NAME_MAX,
  AccountEventType,
  DomainError,
  ErrorCode,
  isRole,
  validationFailed,
  type AccountEvent as LoggedAccountEvent,
  type ApiKeyIssuedData,
  type ApiKeyRevokedData,
  type FieldError,
  type Role,
} from '@agentry/contracts';
import type { AccountEvent, Performer } from './account-event.js';
import type { ApiKeyDigest } from './api-key-secret.js';

/** What an `api_key-<id>` stream folds to. */
export interface ApiKeyState {
  keyId: number;
  orgId: number;
  platformAdmin: boolean;
  revoked: boolean;
}

/** Folds an `api_key-<id>` stream as read from the log (the type narrows each event's data). */
export function foldApiKey(events: readonly LoggedAccountEvent[]): ApiKeyState | null {
  let state = null as ApiKeyState | null;
  for (const event of events) {
    if (event.type === AccountEventType.apiKeyIssued) {
      const d = event.data;
      state = { keyId: d.keyId, orgId: d.orgId, platformAdmin: d.platformAdmin, revoked: false };
    } else if (state && event.type === AccountEventType.apiKeyRevoked) {
      state = { ...state, revoked: true };
    }
  }
  return state;
}

export interface CreateApiKeyCommand {
  name: string | null;
  roles: Role[];
}

/** `{name?, roles[]}`: roles must be known; an empty list makes a key that can only read. */
export function parseCreateApiKey(params: { name?: unknown; roles?: unknown }): CreateApiKeyCommand {
  const problems: FieldError[] = [];
  let name: string | null = null;
  if (params.name !== undefined && params.name !== null && params.name !== '') {
    if (typeof params.name !== 'string') problems.push({ field: 'name', message: 'must be a string' });
    else if (params.name.trim().length > API_KEY_NAME_MAX) problems.push({ field: 'name', message: `must be at most ${API_KEY_NAME_MAX} characters` });
    else name = params.name.trim() || null;
  }
  if (!Array.isArray(params.roles)) problems.push({ field: 'roles', message: 'is required: a list of roles' });
  else {
    const unknown = params.roles.filter((role) => !isRole(role));
    if (unknown.length) problems.push({ field: 'roles', message: `unknown roles: ${unknown.map((r) => JSON.stringify(r)).join(', ')}` });
  }
  if (problems.length) throw validationFailed(problems);
  return { name, roles: [...new Set(params.roles as Role[])] };
}

export interface IssueKeyInput {
  keyId: number;
  orgId: number;
  userId: number;
  name: string | null;
  roles: Role[];
  platformAdmin: boolean;
  digest: ApiKeyDigest;
  createdBy?: Performer;
}

export function decideIssueKey(input: IssueKeyInput, now: number): AccountEvent<ApiKeyIssuedData> {
  const data: ApiKeyIssuedData = {
    keyId: input.keyId,
    orgId: input.orgId,
    userId: input.userId,
    name: input.name,
    roles: input.roles,
    platformAdmin: input.platformAdmin,
    prefix: input.digest.prefix,
    prefixVisible: input.digest.prefixVisible,
    hash: input.digest.hash,
    createdAt: now,
  };
  if (input.createdBy) data.createdBy = input.createdBy;
  return { type: AccountEventType.apiKeyIssued, data };
}

/**
 * Revoking is idempotent (an already revoked key yields no event). Another org's key is NOT_FOUND;
 * a platform-admin key can only be revoked by a platform admin, so an org admin of the first org
 * cannot lock the operator out.
 */
export function decideRevoke(
  key: ApiKeyState | null,
  actor: { orgId: number; platformAdmin: boolean } & Performer,
  now: number,
): AccountEvent<ApiKeyRevokedData>[] {
  if (!key || key.orgId !== actor.orgId) throw new DomainError(ErrorCode.NOT_FOUND, 'API key not found');
  if (key.platformAdmin && !actor.platformAdmin) throw new DomainError(ErrorCode.FORBIDDEN, 'Only a platform-admin API key may revoke a platform-admin key');
  if (key.revoked) return [];
  return [
    {
      type: AccountEventType.apiKeyRevoked,
      data: { keyId: key.keyId, orgId: key.orgId, revokedAt: now, revokedBy: { userId: actor.userId, keyId: actor.keyId } },
    },
  ];
}
