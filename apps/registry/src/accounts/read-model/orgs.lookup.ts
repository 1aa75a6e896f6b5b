import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { notFound, type OrgDto, type OrgPlan } from '@agentry/contracts';
import { OrgRow } from './entities.js';

const toDto = (row: OrgRow): OrgDto => ({ id: row.id, name: row.name, createdAt: row.createdAt, plan: { maxAgents: row.maxAgents } });

/** Reads orgs from the accounts read model. */
@Injectable()
export class OrgsLookup {
  private readonly rows: Repository<OrgRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(OrgRow);
  }

  async find(orgId: number): Promise<OrgDto | null> {
    const row = await this.rows.findOne({ where: { id: orgId } });
    return row ? toDto(row) : null;
  }

  exists(orgId: number): Promise<boolean> {
    return this.rows.exists({ where: { id: orgId } });
  }
}

/**
 * The plan limits of an org, for other registry features (agents: `maxAgents` → 402 when the org
 * is full). Import `AccountsModule` to inject it.
 */
@Injectable()
export class OrgPlans {
  constructor(private readonly orgs: OrgsLookup) {}

  async get(orgId: number): Promise<OrgPlan> {
    const org = await this.orgs.find(orgId);
    if (!org) throw notFound(`Org ${orgId}`);
    return org.plan;
  }
}
