import { Injectable } from '@nestjs/common';
import { notFound, type FetchContainerParams, type FetchContainerResult, type RequestEnvelope } from '@agentry/contracts';
import { OutputReader } from '../../../console/index.js';
import { ContainerViews, outputSourceOf } from '../../container-views.js';
import { toMessageView } from '../../read-model/container-row.js';
import { ContainersLookup } from '../../read-model/containers.lookup.js';
import { FreshReads } from '../../read-model/fresh-reads.js';
import { readId, readOptionalBool } from '../read-params.js';

/** v2 `containers/fetch` with its `with*` options. */
@Injectable()
export class FetchContainerUseCase {
  constructor(
    private readonly lookup: ContainersLookup,
    private readonly fresh: FreshReads,
    private readonly views: ContainerViews,
    private readonly output: OutputReader,
  ) {}

  async execute({ actor, params }: RequestEnvelope<FetchContainerParams>): Promise<FetchContainerResult> {
    const p = params as unknown as Record<string, unknown> | undefined;
    const containerId = readId(p, 'containerId');
    const withResultObject = readOptionalBool(p, 'withResultObject');
    const withOutput = readOptionalBool(p, 'withOutput');
    const withRuntimeEvents = readOptionalBool(p, 'withRuntimeEvents');
    const withNeighbours = readOptionalBool(p, 'withNewerAndOlderContainerId');

    const row = await this.fresh.container(actor.orgId, containerId);
    if (!row) throw notFound('Container');
    const result: FetchContainerResult = await this.views.of(row, { withResultObject });
    if (withOutput) {
      const read = await this.output.read(outputSourceOf(row), 0);
      result.output = read.text;
      result.outputPos = read.outputPos;
    }
    if (withRuntimeEvents) result.runtimeEvents = (await this.lookup.messages(containerId)).map(toMessageView);
    if (withNeighbours) {
      const { newer, older } = await this.lookup.neighbours(row.agent_id, containerId);
      result.newerContainerId = newer;
      result.olderContainerId = older;
    }
    return result;
  }
}
