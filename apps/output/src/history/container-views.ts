import { Injectable } from '@nestjs/common';
import type { ContainerView } from '@agentry/contracts';
import { ChunkStore, type OutputSource } from '../console/index.js';
import { toContainerView, type ContainerRow } from './read-model/container-row.js';

/** Where a container's console output is, for `OutputReader`. */
export const outputSourceOf = (row: ContainerRow): OutputSource => ({
  containerId: Number(row.id),
  endedAt: row.status === 'ended' && row.ended_at !== null ? Number(row.ended_at) : null,
  started: row.started_at !== null,
  sealedLength: row.output_length === null ? null : Number(row.output_length),
});

/** Builds container records, looking up the stored output length of those not sealed yet. */
@Injectable()
export class ContainerViews {
  constructor(private readonly chunks: ChunkStore) {}

  async of(row: ContainerRow, opts: { withResultObject?: boolean } = {}): Promise<ContainerView> {
    const storedLength = row.output_length === null ? await this.chunks.storedLength(Number(row.id)) : 0;
    return toContainerView(row, storedLength, opts);
  }
}
