import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import type { TagDto } from '@agentry/contracts';
import { TagRow } from './entities.js';

/**
 * Reads an org's tags. Other registry features (agents: `tags` must belong to the org) inject it;
 * import `AccountsModule`.
 */
@Injectable()
export class TagsLookup {
  private readonly rows: Repository<TagRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(TagRow);
  }

  /** True when every id names a tag of this org (an empty list trivially does). */
  async allBelongToOrg(orgId: number, tagIds: readonly number[]): Promise<boolean> {
    return (await this.missingFromOrg(orgId, tagIds)).length === 0;
  }

  /** The ids that are not tags of this org (unknown, or another org's), in the order given. */
  async missingFromOrg(orgId: number, tagIds: readonly number[]): Promise<number[]> {
    const unique = [...new Set(tagIds)];
    if (unique.length === 0) return [];
    const found = await this.rows.find({ where: { orgId, id: In(unique) }, select: { id: true } });
    const ids = new Set(found.map((row) => row.id));
    return unique.filter((id) => !ids.has(id));
  }

  async list(orgId: number): Promise<TagDto[]> {
    const rows = await this.rows.find({ where: { orgId }, order: { id: 'ASC' } });
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.createdAt }));
  }
}
