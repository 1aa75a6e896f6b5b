import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, In, MoreThan, Not, type Repository, type SelectQueryBuilder } from 'typeorm';
import { notFound, type AgentInstanceCounts, type AgentVersionView, type AgentView, type FetchAllAgentsParams } from '@agentry/contracts';
import { ScriptsLookup } from '../../scripts/index.js';
import { instanceCountsOf, toAgentView, toVersionView } from './agent-view.js';
import { AgentInstanceCountsRow, AgentRow, AgentVersionRow } from './entities.js';

/** Id columns are Postgres integers: a larger id cannot exist (and must not reach a query as an error). */
const MAX_DB_ID = 2_147_483_647;
export const isStorableId = (id: number): boolean => Number.isSafeInteger(id) && id >= 1 && id <= MAX_DB_ID;

export type AgentListFilters = Omit<FetchAllAgentsParams, 'withAgentObject'>;

/**
 * Reads agents from the read model, always within one org. A row whose first version is not
 * projected yet (current_version_number 0) is not visible.
 */
@Injectable()
export class AgentsLookup {
  private readonly agents: Repository<AgentRow>;
  private readonly versions: Repository<AgentVersionRow>;
  private readonly runs: Repository<AgentInstanceCountsRow>;

  constructor(
    dataSource: DataSource,
    private readonly scripts: ScriptsLookup,
  ) {
    this.agents = dataSource.getRepository(AgentRow);
    this.versions = dataSource.getRepository(AgentVersionRow);
    this.runs = dataSource.getRepository(AgentInstanceCountsRow);
  }

  /** A live (active or retired) agent of the org, or null. */
  async find(orgId: number, id: number, opts: { withAgentObject?: boolean } = {}): Promise<AgentView | null> {
    if (!isStorableId(id)) return null;
    const row = await this.agents.findOne({ where: { orgId, id, status: Not('deleted'), currentVersionNumber: MoreThan(0) } });
    return row ? (await this.views([row], opts))[0]! : null;
  }

  /** Like `find`, but another org's, a deleted or an unknown agent is NOT_FOUND. */
  async get(orgId: number, id: number, opts: { withAgentObject?: boolean } = {}): Promise<AgentView> {
    const agent = await this.find(orgId, id, opts);
    if (!agent) throw notFound('Agent');
    return agent;
  }

  async exists(orgId: number, id: number): Promise<boolean> {
    if (!isStorableId(id)) return false;
    return this.agents.exists({ where: { orgId, id, status: Not('deleted'), currentVersionNumber: MoreThan(0) } });
  }

  /**
   * The agents `fromId` waits for, transitively: its `launchAfterAgentId`, that agent's, and so on (live
   * agents of the org with launch type "after agent"; bounded depth). A save whose chain comes back to
   * the saved agent would make a cycle.
   */
  async afterAgentChain(orgId: number, fromId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.agents.manager.query(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT $2::integer, 0
         UNION
         SELECT (a.settings->>'launchAfterAgentId')::integer, c.depth + 1
           FROM chain c JOIN agents_agents a ON a.id = c.id AND a.org_id = $1 AND a.status <> 'deleted'
          WHERE a.settings->>'launchType' = 'after agent' AND a.settings->>'launchAfterAgentId' IS NOT NULL AND c.depth < 1000
       )
       SELECT DISTINCT id FROM chain`,
      [orgId, fromId],
    );
    return rows.map((r) => Number(r.id));
  }

  async countLive(orgId: number): Promise<number> {
    return this.agents.count({ where: { orgId, status: Not('deleted') } });
  }

  async instanceCounts(agentId: number): Promise<AgentInstanceCounts> {
    if (!isStorableId(agentId)) return instanceCountsOf(null);
    return instanceCountsOf(await this.runs.findOne({ where: { agentId } }));
  }

  /** The org's live agents matching every filter given, by id. */
  async list(orgId: number, filters: AgentListFilters, opts: { withAgentObject?: boolean } = {}): Promise<AgentView[]> {
    const query = this.agents
      .createQueryBuilder('a')
      .where('a.org_id = :orgId', { orgId })
      .andWhere(`a.status <> 'deleted'`)
      .andWhere('a.current_version_number > 0')
      .orderBy('a.id', 'ASC');
    applyFilters(query, filters);
    return this.views(await query.getMany(), opts);
  }

  /** Which of these ids are live agents of the org (one query, ids only). */
  async liveIds(orgId: number, ids: number[]): Promise<Set<number>> {
    const storable = ids.filter(isStorableId);
    if (!storable.length) return new Set();
    const rows = await this.agents.find({
      select: { id: true },
      where: { orgId, id: In(storable), status: Not('deleted'), currentVersionNumber: MoreThan(0) },
    });
    return new Set(rows.map((r) => r.id));
  }

  /** The org's deleted agents, most recently deleted first. */
  async listDeleted(orgId: number): Promise<AgentView[]> {
    const rows = await this.agents.find({ where: { orgId, status: 'deleted' }, order: { deletedAt: 'DESC', id: 'DESC' } });
    return this.views(rows, {});
  }

  /** Every version of a live agent of the org, newest first; null when there is no such agent. */
  async versionsOf(orgId: number, agentId: number): Promise<{ currentVersionId: string; versions: AgentVersionView[] } | null> {
    if (!isStorableId(agentId)) return null;
    const agent = await this.agents.findOne({ where: { orgId, id: agentId, status: Not('deleted'), currentVersionNumber: MoreThan(0) } });
    if (!agent) return null;
    const rows = await this.versions.find({ where: { agentId }, order: { versionNumber: 'DESC' } });
    return { currentVersionId: agent.currentVersionId, versions: rows.map((row) => toVersionView(row, agent.currentVersionId)) };
  }

  private async views(rows: AgentRow[], opts: { withAgentObject?: boolean }): Promise<AgentView[]> {
    if (rows.length === 0) return [];
    const runs = await this.runs.find({ where: { agentId: In(rows.map((r) => r.id)) } });
    const runsByAgent = new Map(runs.map((r) => [r.agentId, r]));
    const names = await this.scriptNames(rows);
    return rows.map((row) => toAgentView(row, runsByAgent.get(row.id), row.scriptId === null ? null : (names.get(row.scriptId) ?? null), opts));
  }

  private async scriptNames(rows: AgentRow[]): Promise<Map<number, string>> {
    const byOrg = new Map<number, number>();
    for (const row of rows) if (row.scriptId !== null) byOrg.set(row.scriptId, row.orgId);
    const found = await Promise.all(
      [...byOrg].map(async ([scriptId, orgId]) => [scriptId, (await this.scripts.findById(orgId, scriptId, { withoutText: true }))?.name] as const),
    );
    return new Map(found.filter((f): f is readonly [number, string] => f[1] !== undefined));
  }
}

function applyFilters(query: SelectQueryBuilder<AgentRow>, f: AgentListFilters): void {
  if (f.agentIds) {
    const ids = f.agentIds.filter(isStorableId);
    query.andWhere('a.id IN (:...agentIds)', { agentIds: ids.length ? ids : [0] });
  }
  if (f.status) query.andWhere('a.status = :status', { status: f.status });
  if (f.stage) query.andWhere('a.stage = :stage', { stage: f.stage });
  if (f.tag !== undefined) query.andWhere('a.tags @> ARRAY[:tag]::integer[]', { tag: isStorableId(f.tag) ? f.tag : 0 });
  const meta = f.userCustomMetadata;
  if (meta) {
    query.andWhere(
      new Brackets((q) => {
        if (meta.value === undefined) q.where(`a.settings -> 'userCustomMetadata' -> :metaKey IS NOT NULL`, { metaKey: meta.key });
        else q.where(`a.settings -> 'userCustomMetadata' ->> :metaKey = :metaValue`, { metaKey: meta.key, metaValue: meta.value });
      }),
    );
  }
}
