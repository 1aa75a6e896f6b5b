import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AGENT_STAGES, Subjects, validationFailed, type Actor, type FetchAllAgentsParams, type RollbackAgentParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readFlag, readId, readInt, readList, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { DEFAULT_NEXT_LAUNCH_DATES, nextLaunchDates } from '../scheduling/next-launch-dates.js';
import { AgentReadCache } from './agent-read-cache.js';
import { scriptOf } from './agent-script.js';
import { filtersByManifestTypes, manifestExtras, slotsFactorOf } from './manifest-fields.js';
import { saveAgentParams } from './save-params.js';
import { v2Agent, v2AgentVersion } from './v2-agent.shape.js';

/** v2 agent endpoints: bare JSON, string ids, Unix ms. */
@Controller('api/v2/agents')
export class AgentsV2Controller {
  constructor(
    private readonly registry: RegistryClient,
    private readonly agents: AgentReadCache,
  ) {}

  /** The v2 API: upsert; answers `{id}`. */
  @Post('save')
  @HttpCode(200)
  async save(@CurrentActor() actor: Actor, @Req() request: FastifyRequest) {
    const saved = await this.registry.call(Subjects.agents.save, actor, saveAgentParams(request));
    return { id: toV2Id(saved.id) };
  }

  /**
   * The agent record with its `nextLaunchDates` (next 5, computed now from the read's anchor); from this
   * replica's agent read cache when it has it. `withManifest` / `withSlaves`: manifest-fields.ts.
   */
  @Get('fetch')
  async fetch(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const id = readId(p, 'id')!;
    const withAgentObject = readFlag(p, 'withAgentObject');
    const extras = manifestExtras(p);
    const { view: agent, scheduleAnchorMs } = await this.agents.read(actor, id, { withAgentObject, withScheduleAnchor: true });
    const code = readFlag(p, 'withCode') ? ((await scriptOf(this.registry, actor, agent))?.text ?? null) : undefined;
    const next = scheduleAnchorMs === null ? [] : nextLaunchDates(agent, scheduleAnchorMs, Date.now(), DEFAULT_NEXT_LAUNCH_DATES);
    return { ...v2Agent(agent, { code, nextLaunchDates: next }), ...extras };
  }

  /** The org's agents; `argument` only with `withArgument`; `inputTypes` / `outputTypes` / `withAgentSlotsFactor`: manifest-fields.ts. */
  @Get('fetch-all')
  async fetchAll(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const filters = readListFilters(p);
    const slotsFactor = slotsFactorOf(p);
    // No script has a manifest declaring input / output types: such a filter keeps no agent.
    if (filtersByManifestTypes(p)) return [];
    const { agents } = await this.registry.call(Subjects.agents.fetchAll, actor, filters);
    const withArgument = readFlag(p, 'withArgument');
    return agents.map((agent) => ({ ...v2Agent(agent, { withArgument }), ...slotsFactor }));
  }

  @Get('fetch-deleted')
  async fetchDeleted(@CurrentActor() actor: Actor) {
    const { agents } = await this.registry.call(Subjects.agents.fetchDeleted, actor, {});
    return agents.map((agent) => v2Agent(agent));
  }

  @Post('delete')
  @HttpCode(200)
  async delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const deleted = await this.registry.call(Subjects.agents.delete, actor, { id: readId(p, 'id')! });
    return { id: toV2Id(deleted.id), deletedAt: deleted.deletedAt };
  }

  @Post('retire')
  @HttpCode(200)
  async retire(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return v2Agent(await this.registry.call(Subjects.agents.retire, actor, { id: readId(p, 'id')! }));
  }

  @Post('reinstate')
  @HttpCode(200)
  async reinstate(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return v2Agent(await this.registry.call(Subjects.agents.reinstate, actor, { id: readId(p, 'id')! }));
  }

  @Get('versions')
  async versions(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const found = await this.registry.call(Subjects.agents.versions, actor, { id: readId(p, 'id')! });
    return { agentId: toV2Id(found.agentId), currentVersionId: found.currentVersionId, versions: found.versions.map(v2AgentVersion) };
  }

  @Post('rollback')
  @HttpCode(200)
  async rollback(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: RollbackAgentParams = { id: readId(p, 'id')!, versionId: readString(p, 'versionId', { required: true, maxLength: 100 })! };
    const saved = await this.registry.call(Subjects.agents.rollback, actor, params);
    return { id: toV2Id(saved.id), versionId: saved.versionId, agent: v2Agent(saved.agent) };
  }
}

const STATUSES = ['active', 'retired'] as const;

function readListFilters(p: RawParams): FetchAllAgentsParams {
  const filters: FetchAllAgentsParams = { withAgentObject: readFlag(p, 'withAgentObject') };
  const ids = readList(p, 'agentIds');
  if (ids) {
    if (!ids.every((id) => /^\d+$/.test(id) && Number(id) > 0)) {
      throw validationFailed([{ field: 'agentIds', message: 'must be agent ids (digits), as a list or comma-separated' }]);
    }
    filters.agentIds = ids.map(Number);
  }
  const tag = readInt(p, 'tag', { min: 1 });
  if (tag !== undefined) filters.tag = tag;
  const status = readString(p, 'status');
  if (status !== undefined) filters.status = oneOf('status', status, STATUSES);
  const stage = readString(p, 'stage');
  if (stage !== undefined) filters.stage = oneOf('stage', stage, AGENT_STAGES);
  const key = readString(p, 'userCustomMetadataKey', { maxLength: 100 });
  const value = readString(p, 'userCustomMetadataValue', { maxLength: 2000 });
  if (value !== undefined && key === undefined) {
    throw validationFailed([{ field: 'userCustomMetadataKey', message: 'is required with userCustomMetadataValue' }]);
  }
  if (key !== undefined) filters.userCustomMetadata = value === undefined ? { key } : { key, value };
  return filters;
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw validationFailed([{ field, message: `must be one of: ${allowed.map((a) => `"${a}"`).join(', ')}` }]);
  }
  return value as T;
}
