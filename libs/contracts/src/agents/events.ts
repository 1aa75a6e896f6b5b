import type { AgentSecretsSnapshot, AgentSettings } from './settings.js';

/** Events of `agent-<id>` streams (stream type `agent`). */
export const AgentEventType = {
  AgentCreated: 'AgentCreated',
  AgentVersionSaved: 'AgentVersionSaved',
  AgentObjectSaved: 'AgentObjectSaved',
  AgentRetired: 'AgentRetired',
  AgentReinstated: 'AgentReinstated',
  AgentDeleted: 'AgentDeleted',
} as const;
export type AgentEventType = (typeof AgentEventType)[keyof typeof AgentEventType];

export interface ActorRef {
  userId: number;
  keyId: number;
}

/** First event of an agent stream; always followed by an `AgentVersionSaved` (reason `create`). */
export interface AgentCreatedData {
  agentId: number;
  orgId: number;
  /** Opaque storage folder names (v1 record `awsFolder` / `userAwsFolder`), fixed at creation. */
  storageFolder: string;
  userStorageFolder: string;
  createdBy: ActorRef;
  createdAt: number;
  idempotencyKey: string | null;
}

export type AgentVersionReason = 'create' | 'update' | 'rollback';

/** Every save appends one: the FULL settings snapshot, so history and rollback come from the log. */
export interface AgentVersionSavedData {
  agentId: number;
  versionId: string;
  /** 1-based, +1 per save of this agent. */
  versionNumber: number;
  /** Settings schema version of `settings` (bumped when the settings model changes shape). */
  settingsSchemaVersion: number;
  settings: AgentSettings;
  secrets: AgentSecretsSnapshot;
  savedBy: ActorRef;
  savedAt: number;
  reason: AgentVersionReason;
  /** For `rollback`: the version whose snapshot was restored. */
  restoredFromVersionId?: string;
  /** Names of the settings that differ from the previous version (empty for an unchanged save). */
  changedFields: string[];
}

/** The agent's persistent object (v2 `agentObject`): data, not settings, so not versioned. */
export interface AgentObjectSavedData {
  agentId: number;
  /** A JSON object's text; null clears it. */
  agentObject: string | null;
  savedBy: ActorRef;
  savedAt: number;
}

export interface AgentLifecycleData {
  agentId: number;
  by: ActorRef;
  at: number;
}
export type AgentRetiredData = AgentLifecycleData;
export type AgentReinstatedData = AgentLifecycleData;
export type AgentDeletedData = AgentLifecycleData;

/** Reservation of a create `idempotencyKey` (stream `agent_idempotency-<orgId>-<sha256(key)>`). */
export const AGENT_IDEMPOTENCY_STREAM_TYPE = 'agent_idempotency';
export const AgentIdempotencyKeyReserved = 'AgentIdempotencyKeyReserved';
export interface AgentIdempotencyKeyReservedData {
  orgId: number;
  agentId: number;
}

export type AgentEvent =
  | { type: typeof AgentEventType.AgentCreated; data: AgentCreatedData }
  | { type: typeof AgentEventType.AgentVersionSaved; data: AgentVersionSavedData }
  | { type: typeof AgentEventType.AgentObjectSaved; data: AgentObjectSavedData }
  | { type: typeof AgentEventType.AgentRetired; data: AgentRetiredData }
  | { type: typeof AgentEventType.AgentReinstated; data: AgentReinstatedData }
  | { type: typeof AgentEventType.AgentDeleted; data: AgentDeletedData };
