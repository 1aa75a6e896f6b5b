import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { DEFAULT_MAX_RUNNING_CONTAINERS, notFound, type OrgDto, type OrgPlan } from '@agentry/contracts';
import { REGISTRY_CONFIG, type RegistryConfig } from '../../config.js';
import { effectiveRunningCap } from '../domain/org.js';
import { OrgRow } from './entities.js';

/** Reads orgs from the accounts read model. Plans are answered with every limit filled in (the operator's defaults where the plan sets none). */
@Injectable()
export class OrgsLookup {
  private readonly rows: Repository<OrgRow>;
  private readonly defaultRunningCap: number;

  constructor(dataSource: DataSource, @Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    this.rows = dataSource.getRepository(OrgRow);
    this.defaultRunningCap = config.defaultMaxRunningContainers ?? DEFAULT_MAX_RUNNING_CONTAINERS;
  }

  async find(orgId: number): Promise<OrgDto | null> {
    const row = await this.rows.findOne({ where: { id: orgId } });
    return row ? this.toDto(row) : null;
  }

  private toDto(row: OrgRow): OrgDto {
    const maxRunningContainers = effectiveRunningCap({ maxRunningContainers: row.maxRunningContainers ?? undefined }, this.defaultRunningCap);
    return { id: row.id, name: row.name, createdAt: row.createdAt, plan: { maxAgents: row.maxAgents, maxRunningContainers } };
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
