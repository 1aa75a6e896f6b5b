import { Injectable } from '@nestjs/common';
import { notFound, type ContainerOutputParams, type ContainerOutputResult, type RequestEnvelope } from '@agentry/contracts';
import { OutputReader } from '../../../console/index.js';
import { outputSourceOf } from '../../container-views.js';
import { FreshReads } from '../../read-model/fresh-reads.js';
import { readId, readOptionalInt } from '../read-params.js';

/** A container's console output from a byte position (v2 `containers/fetch-output`, the gateway's streams). */
@Injectable()
export class ContainerOutputUseCase {
  constructor(
    private readonly fresh: FreshReads,
    private readonly output: OutputReader,
  ) {}

  async execute({ actor, params }: RequestEnvelope<ContainerOutputParams>): Promise<ContainerOutputResult> {
    const p = params as unknown as Record<string, unknown> | undefined;
    const containerId = readId(p, 'containerId');
    const from = readOptionalInt(p, 'fromOutputPos', { min: 0 }) ?? 0;
    const maxBytes = readOptionalInt(p, 'maxBytes', { min: 1 });

    const row = await this.fresh.container(actor.orgId, containerId);
    if (!row) throw notFound('Container');
    const read = await this.output.read(outputSourceOf(row), from, maxBytes);
    return { containerId, output: read.text, outputPos: read.outputPos, status: row.status, complete: read.complete };
  }
}
