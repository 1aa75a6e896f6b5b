import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectionRunner } from '@agentry/event-store';
import type { ContainerPhase } from '../domain/container.js';

export interface ContainerRow {
  containerId: number;
  agentId: number;
  orgId: number;
  phase: ContainerPhase;
  startedAt: number | null;
  executorId: string | null;
  abortRequested: boolean;
  abortSoft: boolean;
}

const COLUMNS = `container_id::text AS "containerId", agent_id::text AS "agentId", org_id::text AS "orgId", phase,
  started_at::text AS "startedAt", executor_id AS "executorId", abort_requested AS "abortRequested", abort_soft AS "abortSoft"`;

/** Postgres bigints arrive as text; ids and ms fit a JS number. */
function toRow(raw: Record<string, unknown>): ContainerRow {
  return {
    containerId: Number(raw.containerId),
    agentId: Number(raw.agentId),
    orgId: Number(raw.orgId),
    phase: raw.phase as ContainerPhase,
    startedAt: raw.startedAt === null ? null : Number(raw.startedAt),
    executorId: raw.executorId as string | null,
    abortRequested: raw.abortRequested as boolean,
    abortSoft: raw.abortSoft as boolean,
  };
}

/** Reads `executor_containers`, always within one org where a caller's request is concerned. */
@Injectable()
export class ContainersLookup {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projections: ProjectionRunner,
  ) {}

  /**
   * Resolves once this read model shows every event committed before the call. A launch answers as soon
   * as its container is on record, not once this read model has it (that wait was ~30 ms of every
   * launch's answer, docs/PERFORMANCE.md › Launch): a reader that must see the containers launched
   * before it asked (an abort, a launch's maxInstanceCount) waits here instead.
   */
  async caughtUp(): Promise<void> {
    await this.projections.waitForCommitted();
  }

  /** The agent's queued and running containers (one of them when `containerId` is given), oldest first. */
  async live(orgId: number, agentId: number): Promise<ContainerRow[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM executor_containers WHERE org_id = $1 AND agent_id = $2 AND phase <> 'ended' ORDER BY container_id`,
      [orgId, agentId],
    );
    return rows.map(toRow);
  }

  async find(orgId: number, containerId: number): Promise<ContainerRow | null> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM executor_containers WHERE org_id = $1 AND container_id = $2`, [orgId, containerId]);
    return row ? toRow(row) : null;
  }

  /** Running containers started before `startedBefore` (candidates for the executor-lost check). */
  async running(startedBefore: number): Promise<ContainerRow[]> {
    const rows = await this.dataSource.query(`SELECT ${COLUMNS} FROM executor_containers WHERE phase = 'running' AND started_at < $1 ORDER BY container_id`, [
      startedBefore,
    ]);
    return rows.map(toRow);
  }

  /** Of these containers, the ones with an abort on record that have not ended. */
  async abortRequested(containerIds: number[]): Promise<ContainerRow[]> {
    if (containerIds.length === 0) return [];
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM executor_containers WHERE container_id = ANY($1::bigint[]) AND abort_requested AND phase <> 'ended'`,
      [containerIds],
    );
    return rows.map(toRow);
  }

  async phases(containerIds: number[]): Promise<Map<number, ContainerPhase>> {
    if (containerIds.length === 0) return new Map();
    const rows: { id: string; phase: ContainerPhase }[] = await this.dataSource.query(
      `SELECT container_id::text AS id, phase FROM executor_containers WHERE container_id = ANY($1::bigint[])`,
      [containerIds],
    );
    return new Map(rows.map((r) => [Number(r.id), r.phase]));
  }
}
