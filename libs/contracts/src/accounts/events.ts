import type { Role } from '../rpc.js';
import { StreamType, streamId } from '../streams.js';

/**
 * Events of the accounts feature.
 *
 * - `org-<id>`: the org aggregate — `OrgCreated`, `OrgUserAdded` (users belong to one org),
 *   `TagCreated` (tag names are unique per org, decided from this stream).
 * - `api_key-<id>`: one stream per API key — `ApiKeyIssued`, `ApiKeyRevoked`. Keys get their own
 *   stream so issuing or revoking one never contends with other writes to the org.
 * - `org_name-<normalized name>`: a claim stream holding `OrgNameClaimed`, appended in the same
 *   transaction as `OrgCreated`, so two concurrent creates of one name cannot both win. It is also
 *   what makes the first-org bootstrap idempotent across replicas (both race for `default`).
 *
 * Every event carries its own timestamps (Unix ms) so projections never read the clock.
 */
export const AccountEventType = {
  orgCreated: 'OrgCreated',
  orgNameClaimed: 'OrgNameClaimed',
  userAdded: 'OrgUserAdded',
  tagCreated: 'TagCreated',
  apiKeyIssued: 'ApiKeyIssued',
  apiKeyRevoked: 'ApiKeyRevoked',
} as const;
export type AccountEventType = (typeof AccountEventType)[keyof typeof AccountEventType];

export const ORG_STREAM_TYPE = StreamType.org;
export const API_KEY_STREAM_TYPE = 'api_key';
export const ORG_NAME_STREAM_TYPE = 'org_name';

export const orgStreamId = (orgId: number): string => streamId(StreamType.org, orgId);
export const apiKeyStreamId = (keyId: number): string => `${API_KEY_STREAM_TYPE}-${keyId}`;
/** Org names are unique regardless of case and surrounding spaces. */
export const normalizeOrgName = (name: string): string => name.trim().toLowerCase();
export const orgNameStreamId = (name: string): string => `${ORG_NAME_STREAM_TYPE}-${normalizeOrgName(name)}`;

export interface OrgPlan {
  /** Maximum number of (non-deleted) agents the org may hold; saving one more answers 402. */
  maxAgents: number;
  /**
   * Fair share: at most this many of the org's containers run at once across every executor; the
   * rest wait in the queue without holding a run slot. Absent in an event: the operator's default
   * (registry `AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS`); always present in answers.
   */
  maxRunningContainers?: number;
}

export interface OrgCreatedData {
  orgId: number;
  name: string;
  plan: OrgPlan;
  createdAt: number;
  /** Who created it: absent for the bootstrap org. */
  createdBy?: { userId: number; keyId: number };
}

export interface OrgNameClaimedData {
  orgId: number;
  name: string;
}

export interface OrgUserAddedData {
  orgId: number;
  userId: number;
  /** Absent when the org was created without an admin email. */
  email: string | null;
  roles: Role[];
  addedAt: number;
}

export interface TagCreatedData {
  orgId: number;
  tagId: number;
  name: string;
  createdAt: number;
  createdBy: { userId: number; keyId: number };
}

/** Only the hash of the key is ever stored, never the key. */
export interface ApiKeyIssuedData {
  keyId: number;
  orgId: number;
  userId: number;
  name: string | null;
  roles: Role[];
  /** Platform-admin keys may create orgs and act in any org (chosen with `X-Phantombuster-Org`). */
  platformAdmin: boolean;
  /** Lookup prefix (see `apiKeyLookupPrefix` in the registry); shown in key lists. */
  prefix: string;
  /** Whether `prefix` is part of the key (generated keys) or derived from its hash (chosen keys). */
  prefixVisible: boolean;
  /** HMAC-SHA256 of the key (hex) under a key derived from AGENTRY_SECRET_KEY. */
  hash: string;
  createdAt: number;
  /** Absent for keys made by the bootstrap or with a new org. */
  createdBy?: { userId: number; keyId: number };
}

export interface ApiKeyRevokedData {
  keyId: number;
  orgId: number;
  revokedAt: number;
  revokedBy: { userId: number; keyId: number };
}

/** Every event of the accounts feature (org, API key and org-name claim streams). */
export type AccountEvent =
  | { type: typeof AccountEventType.orgCreated; data: OrgCreatedData }
  | { type: typeof AccountEventType.orgNameClaimed; data: OrgNameClaimedData }
  | { type: typeof AccountEventType.userAdded; data: OrgUserAddedData }
  | { type: typeof AccountEventType.tagCreated; data: TagCreatedData }
  | { type: typeof AccountEventType.apiKeyIssued; data: ApiKeyIssuedData }
  | { type: typeof AccountEventType.apiKeyRevoked; data: ApiKeyRevokedData };
