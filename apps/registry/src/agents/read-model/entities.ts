import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { AgentSettings, AgentStatus, AgentVersionReason } from '@agentry/contracts';

/** Postgres bigint arrives as a string; these columns hold Unix ms, safely within a JS number. */
const msColumn: ValueTransformer = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One agent, deleted ones included (status `deleted`); written only by the agents projection. */
@Entity('agents_agents')
@Index('agents_agents_org_status', ['orgId', 'status'])
export class AgentRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ type: 'text' })
  status!: AgentStatus;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'script_id', type: 'integer', nullable: true })
  scriptId!: number | null;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'integer', array: true })
  tags!: number[];

  /** The current version's full public settings. */
  @Column({ type: 'jsonb' })
  settings!: AgentSettings;

  @Column({ name: 'has_proxy_password', type: 'boolean' })
  hasProxyPassword!: boolean;

  @Column({ name: 'has_credentials', type: 'boolean' })
  hasCredentials!: boolean;

  @Column({ name: 'current_version_id', type: 'text' })
  currentVersionId!: string;

  @Column({ name: 'current_version_number', type: 'integer' })
  currentVersionNumber!: number;

  @Column({ name: 'settings_schema_version', type: 'integer' })
  settingsSchemaVersion!: number;

  @Column({ name: 'agent_object', type: 'text', nullable: true })
  agentObject!: string | null;

  @Column({ name: 'storage_folder', type: 'text' })
  storageFolder!: string;

  @Column({ name: 'user_storage_folder', type: 'text' })
  userStorageFolder!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: msColumn })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: msColumn })
  updatedAt!: number;

  @Column({ name: 'retired_at', type: 'bigint', nullable: true, transformer: msColumn })
  retiredAt!: number | null;

  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: msColumn })
  deletedAt!: number | null;
}

/** Every saved version of every agent (full snapshot, secrets only as presence flags). */
@Entity('agents_versions')
@Index('agents_versions_agent', ['agentId', 'versionNumber'], { unique: true })
export class AgentVersionRow {
  @PrimaryColumn({ name: 'version_id', type: 'text' })
  versionId!: string;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ name: 'version_number', type: 'integer' })
  versionNumber!: number;

  @Column({ type: 'text' })
  reason!: AgentVersionReason;

  @Column({ name: 'restored_from_version_id', type: 'text', nullable: true })
  restoredFromVersionId!: string | null;

  @Column({ name: 'changed_fields', type: 'jsonb' })
  changedFields!: string[];

  @Column({ type: 'jsonb' })
  settings!: AgentSettings;

  @Column({ name: 'has_proxy_password', type: 'boolean' })
  hasProxyPassword!: boolean;

  @Column({ name: 'has_credentials', type: 'boolean' })
  hasCredentials!: boolean;

  @Column({ name: 'saved_by_user_id', type: 'integer' })
  savedByUserId!: number;

  @Column({ name: 'saved_by_key_id', type: 'integer' })
  savedByKeyId!: number;

  @Column({ name: 'saved_at', type: 'bigint', transformer: msColumn })
  savedAt!: number;
}

/** Instance counts and last run of an agent, fed by container events; absent = never launched. */
@Entity('agents_instance_counts')
export class AgentInstanceCountsRow {
  @PrimaryColumn({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ type: 'integer' })
  pending!: number;

  @Column({ type: 'integer' })
  active!: number;

  @Column({ type: 'integer' })
  complete!: number;

  @Column({ type: 'integer' })
  failed!: number;

  @Column({ type: 'integer' })
  cancelled!: number;

  @Column({ type: 'integer' })
  total!: number;

  @Column({ name: 'last_end_message', type: 'text', nullable: true })
  lastEndMessage!: string | null;

  @Column({ name: 'last_end_status', type: 'text', nullable: true })
  lastEndStatus!: string | null;

  @Column({ name: 'last_end_type', type: 'text', nullable: true })
  lastEndType!: string | null;
}

/** Where each container is in its life, so the counts move buckets correctly. */
@Entity('agents_container_states')
class AgentContainerStateRow {
  @PrimaryColumn({ name: 'container_id', type: 'integer' })
  containerId!: number;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ type: 'text' })
  state!: string;
}

export const agentsEntities = [AgentRow, AgentVersionRow, AgentInstanceCountsRow, AgentContainerStateRow];
