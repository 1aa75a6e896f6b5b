import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** Postgres bigint arrives as a string; these columns hold Unix ms, safely within a JS number. */
const msColumn: ValueTransformer = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One live (not deleted) script; written only by the scripts projection. */
@Entity('scripts_scripts')
@Index('scripts_scripts_org_name', ['orgId', 'name'])
export class ScriptRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'integer' })
  nonce!: number;

  @Column({ name: 'last_save_date', type: 'bigint', transformer: msColumn })
  lastSaveDate!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: msColumn })
  createdAt!: number;
}
