import { Injectable } from '@nestjs/common';
import { notFound, validationFailed, type AgentOutputParams, type AgentOutputResult, type RequestEnvelope } from '@agentry/contracts';
import { OutputReader } from '../../../console/index.js';
import { ContainerViews, outputSourceOf } from '../../container-views.js';
import { agentStatusOf, containerStatusOf, cursorFor, runtimeSeconds } from '../../domain/agent-output.js';
import { toMessageView, type ContainerRow } from '../../read-model/container-row.js';
import { ContainersLookup } from '../../read-model/containers.lookup.js';
import { FreshReads } from '../../read-model/fresh-reads.js';
import { readId, readOptionalChoice, readOptionalInt } from '../read-params.js';

/** The v1 API `GET /api/v1/agent/{id}/output.json`: status, progress, messages and output since the client's positions. */
@Injectable()
export class AgentOutputUseCase {
  constructor(
    private readonly lookup: ContainersLookup,
    private readonly fresh: FreshReads,
    private readonly views: ContainerViews,
    private readonly output: OutputReader,
  ) {}

  async execute({ actor, params }: RequestEnvelope<AgentOutputParams>): Promise<AgentOutputResult> {
    const p = params as unknown as Record<string, unknown> | undefined;
    const agentId = readId(p, 'agentId');
    const clientContainerId = readOptionalInt(p, 'containerId', { min: 0 }) ?? 0;
    const mode = readOptionalChoice(p, 'mode', ['track', 'most-recent'] as const) ?? (clientContainerId > 0 ? 'track' : 'most-recent');
    const requested = {
      fromOutputPos: readOptionalInt(p, 'fromOutputPos', { min: 0 }) ?? 0,
      fromMessageId: readOptionalInt(p, 'fromMessageId', { min: -1 }) ?? -1,
    };
    if (mode === 'track' && clientContainerId === 0) throw validationFailed([{ field: 'containerId', message: 'is required in track mode' }]);

    // The most recent container is the one launched just before this call, if any (the launch does not wait for this service).
    const [agent] = await Promise.all([this.fresh.agent(actor.orgId, agentId), mode === 'most-recent' ? this.fresh.everythingCommitted() : null]);
    if (!agent) throw notFound('Agent');
    const counts = await this.lookup.instanceCounts(agentId);
    const row = mode === 'track' ? await this.tracked(actor.orgId, agentId, clientContainerId) : await this.lookup.mostRecent(agentId);
    const base = {
      agentStatus: agentStatusOf(counts),
      ...(mode === 'track' && row ? { containerStatus: containerStatusOf(row.status) } : {}),
      runningContainers: counts.running,
      queuedContainers: counts.queued,
    };
    if (!row) return { ...base, containerId: null, progress: null, messages: [], output: '', outputPos: 0, container: null };

    const containerId = Number(row.id);
    const cursor = mode === 'track' ? requested : cursorFor(containerId, clientContainerId, requested);
    const read = await this.output.read(outputSourceOf(row), cursor.fromOutputPos);
    const messages = cursor.fromMessageId >= 0 ? await this.lookup.messages(containerId, cursor.fromMessageId) : [];
    const container = await this.views.of(row);
    return {
      ...base,
      containerId,
      progress: container.progress && {
        progress: container.progress.progress,
        label: container.progress.label,
        runtime: runtimeSeconds(container, Date.now()),
      },
      messages: messages.map(toMessageView),
      output: read.text,
      outputPos: read.outputPos,
      ...(row.result_object !== null ? { resultObject: row.result_object } : {}),
      container,
    };
  }

  private async tracked(orgId: number, agentId: number, containerId: number): Promise<ContainerRow> {
    const row = await this.fresh.container(orgId, containerId);
    if (!row || row.agent_id !== agentId) throw notFound('Container');
    return row;
  }
}
