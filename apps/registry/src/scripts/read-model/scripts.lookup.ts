import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { ScriptDto } from '@agentry/contracts';
import { ScriptRow } from './script.entity.js';

export interface ScriptLookupOptions {
  /** Leave the script's text out (lists, `withoutText`). */
  withoutText?: boolean;
}

/** The `id` column is a Postgres integer: a larger id cannot exist (and must not reach the query as an error). */
const MAX_SCRIPT_ID = 2_147_483_647;

const toDto = (row: ScriptRow, opts: ScriptLookupOptions): ScriptDto => ({
  id: row.id,
  name: row.name,
  source: row.source,
  ...(opts.withoutText ? {} : { text: row.text }),
  lastSaveDate: row.lastSaveDate,
  nonce: row.nonce,
  createdAt: row.createdAt,
});

/**
 * Reads live scripts from the read model, always within one org. The scripts queries use it, and
 * other registry features (agents: `scriptId` / `script` name binding, `withScript`) inject it.
 */
@Injectable()
export class ScriptsLookup {
  private readonly rows: Repository<ScriptRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(ScriptRow);
  }

  async findById(orgId: number, id: number, opts: ScriptLookupOptions = {}): Promise<ScriptDto | null> {
    if (!Number.isSafeInteger(id) || id < 1 || id > MAX_SCRIPT_ID) return null;
    const row = await this.rows.findOne({ where: { orgId, id } });
    return row ? toDto(row, opts) : null;
  }

  async findByName(orgId: number, name: string, opts: ScriptLookupOptions = {}): Promise<ScriptDto | null> {
    const row = await this.rows.findOne({ where: { orgId, name } });
    return row ? toDto(row, opts) : null;
  }

  /** Every script of the org without text, oldest first. */
  async list(orgId: number): Promise<ScriptDto[]> {
    const rows = await this.rows.find({
      where: { orgId },
      order: { id: 'ASC' },
      select: { id: true, orgId: true, name: true, source: true, nonce: true, lastSaveDate: true, createdAt: true },
    });
    return rows.map((row) => toDto(row, { withoutText: true }));
  }
}
