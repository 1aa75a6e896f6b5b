import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Subjects, type Actor, type CreateOrgParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { readPlan } from './account-params.js';
import { v2Org, v2OrgResources } from './account-shapes.js';

/** A form body carries a list as JSON text; anything else is passed on for the registry to judge. */
function jsonTextOrValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

@Controller('api/v2/orgs')
export class OrgsController {
  constructor(private readonly registry: RegistryClient) {}

  /** Platform admin only: `{name, plan: {maxAgents}, adminEmail?}` → the org and its first org-admin key (shown once). */
  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: CreateOrgParams = {
      name: readString(p, 'name')!,
      plan: readPlan(p)!,
      adminEmail: readString(p, 'adminEmail'),
    };
    const org = await this.registry.call(Subjects.orgs.create, actor, params);
    return {
      id: toV2Id(org.id),
      name: org.name,
      plan: org.plan,
      adminUserId: toV2Id(org.adminUserId),
      apiKeyId: toV2Id(org.apiKeyId),
      apiKey: org.apiKey,
    };
  }

  /** The caller's org: its plan and what it uses of it. */
  @Get('fetch')
  async fetch(@CurrentActor() actor: Actor) {
    const [org, { agents }] = await Promise.all([this.registry.call(Subjects.orgs.fetch, actor, {}), this.registry.call(Subjects.agents.fetchAll, actor, {})]);
    return v2Org(org, agents.length);
  }

  @Get('fetch-resources')
  async fetchResources(@CurrentActor() actor: Actor) {
    const [org, { agents }] = await Promise.all([this.registry.call(Subjects.orgs.fetch, actor, {}), this.registry.call(Subjects.agents.fetchAll, actor, {})]);
    return v2OrgResources(org, agents.length, new Date());
  }

  /** The dashboard layout: agent ids and `{id, name, agents}` groups, as last saved. */
  @Get('fetch-agent-groups')
  async fetchAgentGroups(@CurrentActor() actor: Actor) {
    return (await this.registry.call(Subjects.agents.fetchGroups, actor, {})).agentGroups;
  }

  /** `{agentGroups}` replaces the layout; every agent id must be one of the org's agents (400 otherwise). */
  @Post('save-agent-groups')
  @HttpCode(200)
  async saveAgentGroups(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.registry.call(Subjects.agents.saveGroups, actor, { agentGroups: jsonTextOrValue(p['agentGroups']) });
  }
}
