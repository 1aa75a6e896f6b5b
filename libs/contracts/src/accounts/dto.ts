/** Wire shapes of the accounts subjects (registry <-> gateway). Ids are numbers, times Unix ms. */
import type { Role } from '../rpc.js';
import type { OrgPlan } from './events.js';

/**
 * `Subjects.auth.verifyKey` — the one subject sent without an actor. Answers `Actor`, or
 * UNAUTHENTICATED ("Missing API key" / "Invalid API key"), or FORBIDDEN when `org` names an org
 * this key may not act in.
 */
export interface VerifyKeyParams {
  key?: string | null;
  /** `X-Phantombuster-Org`: the numeric id of the org to act in; absent = the key's own org. */
  org?: string | number | null;
}

export interface CreateOrgParams {
  name: string;
  plan: OrgPlan;
  /** Email of the org's first (admin) user. */
  adminEmail?: string | null;
}

export interface CreateOrgResult {
  id: number;
  name: string;
  plan: OrgPlan;
  adminUserId: number;
  /** The org's first org-admin key, shown only in this answer. */
  apiKey: string;
  apiKeyId: number;
}

export type FetchOrgParams = Record<string, never>;

export interface OrgDto {
  id: number;
  name: string;
  createdAt: number;
  plan: OrgPlan;
}

export interface CreateApiKeyParams {
  name?: string | null;
  roles: Role[];
}

export interface ApiKeyDto {
  id: number;
  name: string | null;
  roles: Role[];
  platformAdmin: boolean;
  /** Generated keys: their public start `ak_<prefix>`; chosen keys (bootstrap): null. */
  prefix: string | null;
  userId: number;
  createdAt: number;
  revokedAt: number | null;
}

/** Answered once, at creation: the only time `key` is ever shown. */
export interface CreatedApiKeyDto extends ApiKeyDto {
  key: string;
}

export type ListApiKeysParams = Record<string, never>;

export interface RevokeApiKeyParams {
  id: number;
}

export interface CreateTagParams {
  name: string;
}

export interface TagDto {
  id: number;
  name: string;
  createdAt: number;
}

export type ListTagsParams = Record<string, never>;

/** `Subjects.users.me`: the caller's user and org, for `GET /api/v1/user.json`. */
export interface CurrentUserDto {
  userId: number;
  email: string | null;
  orgId: number;
  orgName: string;
  roles: Role[];
  platformAdmin: boolean;
}

export const TAG_NAME_MAX = 50;
export const ORG_NAME_MAX = 100;
export const API_KEY_NAME_MAX = 100;
export const MAX_AGENTS_LIMIT = 1_000_000;
export const MAX_RUNNING_CONTAINERS_LIMIT = 10_000;
/** An org's running containers when neither its plan nor the operator says otherwise. */
export const DEFAULT_MAX_RUNNING_CONTAINERS = 10;
