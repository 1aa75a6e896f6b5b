import { Injectable } from '@nestjs/common';
import { notFound, type ListContainersParams, type ListContainersResult, type RequestEnvelope } from '@agentry/contracts';
import { ContainerViews } from '../../container-views.js';
import { ContainersLookup } from '../../read-model/containers.lookup.js';
import { FreshReads } from '../../read-model/fresh-reads.js';
import { readId, readOptionalChoice, readOptionalInt } from '../read-params.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** v2 `containers/fetch-all` and v1 `containers.json` (mode `finalized`): newest first. */
@Injectable()
export class ListContainersUseCase {
  constructor(
    private readonly lookup: ContainersLookup,
    private readonly fresh: FreshReads,
    private readonly views: ContainerViews,
  ) {}

  async execute({ actor, params }: RequestEnvelope<ListContainersParams>): Promise<ListContainersResult> {
    const p = params as unknown as Record<string, unknown> | undefined;
    const agentId = readId(p, 'agentId');
    const limit = readOptionalInt(p, 'limit', { min: 1, max: MAX_LIST_LIMIT }) ?? DEFAULT_LIST_LIMIT;
    const mode = readOptionalChoice(p, 'mode', ['all', 'finalized'] as const) ?? 'all';
    const beforeEndedAt = readOptionalInt(p, 'beforeEndedAt', { min: 0 });

    // The list includes the containers launched just before this call (the launch does not wait for this service).
    const [agent] = await Promise.all([this.fresh.agent(actor.orgId, agentId), this.fresh.everythingCommitted()]);
    if (!agent) throw notFound('Agent');
    const rows = await this.lookup.list({ agentId, limit, finalizedOnly: mode === 'finalized', beforeEndedAt });
    const containers = await Promise.all(rows.slice(0, limit).map((row) => this.views.of(row)));
    return { containers, maxLimitReached: rows.length > limit };
  }
}
