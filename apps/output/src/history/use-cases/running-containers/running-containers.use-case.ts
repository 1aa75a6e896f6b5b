import { Injectable } from '@nestjs/common';
import type { RequestEnvelope, RunningContainersResult } from '@agentry/contracts';
import { ContainersLookup } from '../../read-model/containers.lookup.js';

/** v2 `orgs/fetch-running-containers`: the org's running containers, oldest first. */
@Injectable()
export class RunningContainersUseCase {
  constructor(private readonly lookup: ContainersLookup) {}

  async execute({ actor }: RequestEnvelope<unknown>): Promise<RunningContainersResult> {
    const rows = await this.lookup.running(actor.orgId);
    return {
      containers: rows.map((r) => ({
        id: Number(r.id),
        agentId: r.agent_id,
        agentName: r.agent_name,
        createdAt: Number(r.queued_at),
        retryNumber: r.retry_number,
        launchType: r.launch_type,
        scriptSlug: r.script_name,
      })),
    };
  }
}
