import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { Role } from '@agentry/contracts';

/** Postgres bigint arrives as a string; these columns hold Unix ms, safely within a JS number. */
const msColumn: ValueTransformer = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** Read rows of the accounts feature; written only by the accounts projection. */
@Entity('accounts_orgs')
export class OrgRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'max_agents', type: 'integer' })
  maxAgents!: number;

  /** Null: the operator's default applies (read at answer time, so changing it reaches every such org). */
  @Column({ name: 'max_running_containers', type: 'integer', nullable: true })
  maxRunningContainers!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: msColumn })
  createdAt!: number;
}

@Entity('accounts_users')
@Index('accounts_users_org', ['orgId'])
export class UserRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ name: 'added_at', type: 'bigint', transformer: msColumn })
  addedAt!: number;
}

@Entity('accounts_api_keys')
@Index('accounts_api_keys_prefix', ['prefix'])
@Index('accounts_api_keys_org', ['orgId'])
export class ApiKeyRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ name: 'platform_admin', type: 'boolean' })
  platformAdmin!: boolean;

  @Column({ type: 'text' })
  prefix!: string;

  @Column({ name: 'prefix_visible', type: 'boolean' })
  prefixVisible!: boolean;

  /** HMAC-SHA256 of the key: the key itself is stored nowhere. */
  @Column({ type: 'text' })
  hash!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: msColumn })
  createdAt!: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: msColumn })
  revokedAt!: number | null;
}

@Entity('accounts_tags')
@Index('accounts_tags_org', ['orgId'])
export class TagRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: msColumn })
  createdAt!: number;
}

export const accountsEntities = [OrgRow, UserRow, ApiKeyRow, TagRow];
