import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { ApiKeyDto } from '@agentry/contracts';
import { ApiKeyRow } from './entities.js';

export const toApiKeyDto = (row: ApiKeyRow): ApiKeyDto => ({
  id: row.id,
  name: row.name,
  roles: row.roles,
  platformAdmin: row.platformAdmin,
  prefix: row.prefixVisible ? `ak_${row.prefix}` : null,
  userId: row.userId,
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
});

/** Reads API keys from the accounts read model. Hashes never leave the registry. */
@Injectable()
export class ApiKeysLookup {
  private readonly rows: Repository<ApiKeyRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(ApiKeyRow);
  }

  /** Every key (revoked ones too) sharing a lookup prefix; the caller compares hashes. */
  findByPrefix(prefix: string): Promise<ApiKeyRow[]> {
    return this.rows.find({ where: { prefix } });
  }

  async find(orgId: number, keyId: number): Promise<ApiKeyDto | null> {
    const row = await this.rows.findOne({ where: { orgId, id: keyId } });
    return row ? toApiKeyDto(row) : null;
  }

  async list(orgId: number): Promise<ApiKeyDto[]> {
    const rows = await this.rows.find({ where: { orgId }, order: { id: 'ASC' } });
    return rows.map(toApiKeyDto);
  }
}
